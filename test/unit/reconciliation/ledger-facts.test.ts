import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GENESIS_HASH, sealEvents } from '../../../src/ledger/domain/event-hash';
import { replayCustody } from '../../../src/reconciliation/domain/custody';
import { evaluate } from '../../../src/reconciliation/domain/evaluate';
import { CN_DEFAULT_PROFILE } from '../../../src/reconciliation/domain/rule-profile';
import {
  assignHoldingSince,
  chainVerification,
  custodyTypeOf,
  eventFacts,
  gramsOf,
  lineageFacts,
  lotFacts,
  runningGrams,
  type EventRow,
  type LotRow,
} from '../../../src/reconciliation/facts/ledger-facts';

const GEN = '00000000-0000-4000-8000-000000000001';
const COL = '00000000-0000-4000-8000-000000000002';
const t0 = Date.parse('2026-03-02T00:00:00Z');
const at = (h: number) => new Date(t0 + h * 3_600_000);
const g = (amount: number) => ({ quantity: { amount: String(amount), unit: 'g' } });

let seqNo = 0;
function row(lotId: string, seq: number, type: string, org: string, hour: number, payload: object = {}): EventRow {
  seqNo += 1;
  return {
    lotId,
    seq,
    globalSeq: String(seqNo),
    format: 1,
    type,
    occurredAt: at(hour),
    recordedAt: at(hour),
    actorOrganisationId: org,
    actorMemberId: null,
    payload: payload as EventRow['payload'],
    prevHash: '',
    hash: '',
  };
}

function lotRow(id: string, over: Partial<LotRow> = {}): LotRow {
  return {
    id,
    wasteCode: '900-041-49',
    wasteCategory: 'HW49',
    medicalClass: null,
    generatorId: GEN,
    custodianId: GEN,
    generatedAt: at(0),
    quantity: '1000',
    unit: 'g',
    status: 'ACTIVE',
    headSeq: 1,
    headHash: '',
    createdAt: at(0),
    ...over,
  };
}

describe('ledger rows → custody facts', () => {
  it('maps genesis types of split and merged lots to origins, and keeps the others', () => {
    assert.equal(custodyTypeOf('SPLIT_FROM'), 'SPLIT');
    assert.equal(custodyTypeOf('MERGED_FROM'), 'MERGED');
    assert.equal(custodyTypeOf('RETRIEVED'), 'RETRIEVED');
    assert.equal(custodyTypeOf('RELABELLED'), 'RELABELLED');
    assert.equal(custodyTypeOf('SOMETHING_NEW'), 'CORRECTED');
  });

  it('reads grams, counterparties and manifests from payloads', () => {
    assert.equal(gramsOf(g(12_345) as never), 12_345);
    assert.equal(gramsOf({ quantity: { amount: '3', unit: 'pcs' } }), null);
    assert.equal(gramsOf({ quantity: { amount: '1e3', unit: 'g' } }), null);
    assert.equal(gramsOf({}), null);
    const events = eventFacts([
      row('L', 1, 'GENERATED', GEN, 0, g(1000)),
      row('L', 2, 'HANDED_OVER', GEN, 1, { toOrganisationId: COL, manifestId: 'M1' }),
      row('L', 3, 'RECEIVED', COL, 2, { fromOrganisationId: GEN, ...g(990) }),
      row('L', 4, 'REJECTED', COL, 3, { counterpartyOrganisationId: GEN }),
    ]);
    assert.deepEqual(
      events.map((e) => [e.id, e.type, e.counterpartyId, e.manifestId, e.quantityGrams]),
      [
        [events[0].id, 'GENERATED', null, null, 1000],
        [events[1].id, 'HANDED_OVER', COL, 'M1', null],
        [events[2].id, 'RECEIVED', GEN, null, 990],
        [events[3].id, 'REJECTED', GEN, null, null],
      ],
    );
  });

  it('TREATED closes a lot only when nothing but corrections follows it', () => {
    const closing = eventFacts([
      row('L', 1, 'GENERATED', GEN, 0),
      row('L', 2, 'TREATED', GEN, 1),
      row('L', 3, 'CORRECTED', GEN, 2),
    ]);
    assert.equal(closing[1].closesLot, true);
    const partial = eventFacts([
      row('L', 1, 'GENERATED', GEN, 0),
      row('L', 2, 'TREATED', GEN, 1),
      row('L', 3, 'STORED', GEN, 2),
    ]);
    assert.equal(partial[1].closesLot, false);
    // The residue stored after a partial treatment is no custody break.
    const lot = lotFacts(lotRow('L'), [
      row('L', 1, 'GENERATED', GEN, 0),
      row('L', 2, 'TREATED', GEN, 1),
      row('L', 3, 'STORED', GEN, 2),
    ]);
    assert.equal(replayCustody(lot).breaks.length, 0);
  });

  it('tracks the running quantity through corrections and weighings', () => {
    const lot = lotFacts(lotRow('L'), [
      row('L', 1, 'GENERATED', GEN, 0, g(1000)),
      row('L', 2, 'CORRECTED', GEN, 1, g(800)),
      row('L', 3, 'STORED', GEN, 2),
    ]);
    assert.deepEqual(runningGrams(lot, 'g'), [1000, 800, 800]);
    assert.equal(runningGrams(lot, 'pcs'), null);
  });

  it('records a split on its parent and a merge on the merged lot, once each', () => {
    const parent = lotFacts(lotRow('P'), [row('P', 1, 'GENERATED', GEN, 0, g(1000)), row('P', 2, 'SPLIT', GEN, 5)]);
    const merged = lotFacts(lotRow('M'), [row('M', 1, 'MERGED_FROM', GEN, 6, g(1500))]);
    const lots = new Map([
      ['P', { facts: parent, unit: 'g' as const }],
      ['M', { facts: merged, unit: 'g' as const }],
    ]);
    const facts = lineageFacts(lots, [
      { parentLotId: 'P', childLotId: 'C2', kind: 'SPLIT', quantity: '500' },
      { parentLotId: 'P', childLotId: 'C1', kind: 'SPLIT', quantity: '700' },
      { parentLotId: 'A', childLotId: 'M', kind: 'MERGE', quantity: '1000' },
      { parentLotId: 'B', childLotId: 'M', kind: 'MERGE', quantity: '500' },
    ]);
    assert.deepEqual(facts.get('P'), [
      {
        eventId: parent.events[1].id,
        operation: 'SPLIT',
        occurredAt: at(5),
        inputs: [{ lotId: 'P', grams: 1000 }],
        outputs: [
          { lotId: 'C1', grams: 700 },
          { lotId: 'C2', grams: 500 },
        ],
      },
    ]);
    assert.deepEqual(facts.get('M')?.[0].inputs, [
      { lotId: 'A', grams: 1000 },
      { lotId: 'B', grams: 500 },
    ]);
    assert.deepEqual(facts.get('M')?.[0].outputs, [{ lotId: 'M', grams: 1500 }]);
    // 1 200 g out of 1 000 g in (beyond 100 g): MASS_BALANCE on the parent's split event.
    parent.lineage = facts.get('P');
    const result = evaluate({ lots: [parent] }, CN_DEFAULT_PROFILE, at(10), { only: ['MASS_BALANCE'] });
    assert.deepEqual(
      result.findings.map((f) => f.dedupeKey),
      [`MASS_BALANCE:LOT:P:${parent.events[1].id}`],
    );
  });

  it('carries the holding clock over splits by the same holder, and not over a receipt', () => {
    // GEN generates P (hour 0) and splits it at hour 30 into C; C is split again into D at hour 40.
    const p = lotFacts(lotRow('P'), [row('P', 1, 'GENERATED', GEN, 0, g(1000)), row('P', 2, 'SPLIT', GEN, 30)]);
    const c = lotFacts(lotRow('C', { generatedAt: at(30) }), [
      row('C', 1, 'SPLIT_FROM', GEN, 30, g(1000)),
      row('C', 2, 'SPLIT', GEN, 40),
    ]);
    const d = lotFacts(lotRow('D', { generatedAt: at(40) }), [row('D', 1, 'SPLIT_FROM', GEN, 40, g(1000))]);
    // COL received Q at hour 20 and merged it into R at hour 50.
    const q = lotFacts(lotRow('Q'), [
      row('Q', 1, 'GENERATED', GEN, 0, g(500)),
      row('Q', 2, 'HANDED_OVER', GEN, 10, { toOrganisationId: COL }),
      row('Q', 3, 'RECEIVED', COL, 20, { fromOrganisationId: GEN }),
      row('Q', 4, 'MERGED', COL, 50),
    ]);
    const r = lotFacts(lotRow('R', { generatorId: COL, generatedAt: at(50) }), [
      row('R', 1, 'MERGED_FROM', COL, 50, g(500)),
    ]);
    const all = new Map([p, c, d, q, r].map((l) => [l.id, l]));
    assignHoldingSince(
      all,
      new Map([
        ['C', ['P']],
        ['D', ['C']],
        ['R', ['Q']],
      ]),
    );
    assert.equal(p.holdingSince, null);
    assert.deepEqual(c.holdingSince, at(0));
    assert.deepEqual(d.holdingSince, at(0));
    assert.deepEqual(r.holdingSince, at(20));
  });

  it('verifies chains with the ledger verifier: sound, altered, cut short', () => {
    const actor = { organisationId: GEN, memberId: null };
    const sealed = sealEvents(
      'a0000000-0000-4000-8000-000000000001',
      { seq: 0, hash: GENESIS_HASH },
      [
        { type: 'GENERATED', occurredAt: at(0), payload: { ...g(10) } },
        { type: 'STORED', occurredAt: at(1), payload: {} },
      ] as never,
      at(2),
      actor,
    );
    const rows: EventRow[] = sealed.map((s, i) => ({
      lotId: s.content.lotId,
      seq: s.content.seq,
      globalSeq: String(100 + i),
      format: s.content.v,
      type: s.content.type,
      occurredAt: new Date(s.content.occurredAt),
      recordedAt: new Date(s.content.recordedAt),
      actorOrganisationId: GEN,
      actorMemberId: null,
      payload: s.content.payload,
      prevHash: s.content.prevHash,
      hash: s.hash,
    }));
    const head = { id: rows[0].lotId, headSeq: 2, headHash: rows[1].hash };
    assert.equal(chainVerification(head, rows, at(3)).ok, true);
    const altered = rows.map((r, i) => (i === 1 ? { ...r, payload: { tampered: true } } : r));
    const bad = chainVerification(head, altered, at(3));
    assert.equal(bad.ok, false);
    assert.equal(bad.firstFailure?.seq, 2);
    assert.equal(bad.firstFailure?.eventId, '101');
    assert.match(bad.firstFailure!.reason, /^hash-mismatch/);
    const short = chainVerification(head, rows.slice(0, 1), at(3));
    assert.equal(short.ok, false);
    assert.match(short.firstFailure!.reason, /^missing-event/);
  });
});
