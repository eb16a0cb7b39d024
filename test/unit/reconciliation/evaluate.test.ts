import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RULES, evaluate, keysToResolve } from '../../../src/reconciliation/domain/evaluate';
import type { FactBatch, LotFacts, ManifestFacts } from '../../../src/reconciliation/domain/facts';
import { dedupeKey } from '../../../src/reconciliation/domain/finding';
import { RULE_IDS, withRule } from '../../../src/reconciliation/domain/rule-profile';
import { CAR1, DAY, GEN, HOUR, TRT, after, batch, cst, line, lot, manifest, profile, step } from './builders';

const t0 = cst('2025-09-01 08:00');
const at = (h: number) => after(t0, h * HOUR);

/** A complete, clean journey: generated, shipped on a manifest, received, treated. */
function cleanJourney(n: number): { lot: LotFacts; manifest: ManifestFacts } {
  const lotId = `lot-${n}`;
  const manifestId = `m-${n}`;
  return {
    lot: lot(lotId, [
      { type: 'GENERATED', org: GEN, at: t0 },
      { type: 'STORED', org: GEN, at: at(1) },
      { type: 'HANDED_OVER', org: GEN, at: at(24), to: CAR1, manifestId },
      { type: 'RECEIVED', org: CAR1, at: at(24), manifestId },
      { type: 'HANDED_OVER', org: CAR1, at: at(28), to: TRT, manifestId },
      { type: 'RECEIVED', org: TRT, at: at(28), manifestId },
      { type: 'TREATED', org: TRT, at: at(24 * 10) },
    ]),
    manifest: manifest(
      manifestId,
      [
        step('PICKUP', CAR1, at(24)),
        step('DELIVER', TRT, at(28)),
        step('RECEIVE', TRT, at(30)),
        step('COMPLETE', TRT, at(24 * 10)),
      ],
      {
        status: 'COMPLETED',
        lines: [
          line({
            lotId,
            receivedCode: '900-249-08',
            receivedGrams: 990_000,
            receivedContainers: 5,
            decision: 'ACCEPTED',
          }),
        ],
      },
    ),
  };
}

function journeys(count: number): FactBatch {
  const all = Array.from({ length: count }, (_, i) => cleanJourney(i + 1));
  return batch({ lots: all.map((j) => j.lot), manifests: all.map((j) => j.manifest) });
}

describe('evaluate', () => {
  it('registers every rule once, in RULE_IDS order', () => {
    assert.deepEqual(
      RULES.map((r) => r.id),
      [...RULE_IDS],
    );
  });

  it('a clean journey raises nothing, and puts its lot and manifest in scope', () => {
    const result = evaluate(journeys(1), profile, at(24 * 30));
    assert.deepEqual(result.findings, []);
    assert.equal(result.profileId, 'cn-default-2022');
    assert.ok(result.scope.some((s) => s.keyPrefix === 'STORAGE_LIMIT_EXCEEDED:LOT:lot-1'));
    assert.ok(result.scope.some((s) => s.keyPrefix === 'RECEIPT_CONFIRMATION_OVERDUE:MANIFEST:m-1'));
  });

  it('a scenario produces exactly the expected findings and no others', () => {
    const { lot: l, manifest: m } = cleanJourney(1);
    // The consignee weighs 10 % less, reads another code, and never confirms the receipt in time;
    // the carrier's clock runs 10 minutes fast on the pickup.
    const bad: ManifestFacts = {
      ...m,
      status: 'DELIVERED',
      steps: m.steps.filter((s) => s.type === 'PICKUP' || s.type === 'DELIVER'),
      lines: [line({ lotId: 'lot-1', receivedCode: '900-214-08', receivedGrams: 900_000, receivedContainers: 5 })],
    };
    const events = l.events
      .filter((e) => e.type !== 'TREATED')
      .map((e) => (e.seq === 4 ? { ...e, occurredAt: after(e.recordedAt, 10 * 60_000) } : e));
    const now = new Date('2025-09-20T00:00:00Z');
    const result = evaluate(batch({ lots: [{ ...l, events }], manifests: [bad] }), profile, now);
    assert.deepEqual(
      result.findings.map((f) => [f.dedupeKey, f.severity]),
      [
        ['CLOCK_ANOMALY:LOT:lot-1:lot-1-e4:future', 'WARNING'],
        ['QUANTITY_DISCREPANCY:MANIFEST:m-1:lot-1:weight', 'WARNING'],
        ['RECEIPT_CONFIRMATION_OVERDUE:MANIFEST:m-1', 'WARNING'],
        ['TYPE_DISCREPANCY:MANIFEST:m-1:lot-1', 'HIGH'],
      ],
    );
  });

  it('is deterministic: same keys and order whatever the input order, twice', () => {
    const b = journeys(5);
    // Never treated, receipts never confirmed, 10 % short, a stranger stores one lot.
    const noisy: FactBatch = {
      ...b,
      lots: b.lots!.map((l, i) => ({
        ...l,
        events: l.events
          .filter((e) => e.type !== 'TREATED')
          .map((e) => (i === 0 && e.seq === 2 ? { ...e, organisationId: TRT } : e)),
      })),
      manifests: b.manifests!.map((m) => ({
        ...m,
        status: 'DELIVERED' as const,
        steps: m.steps.filter((s) => s.type === 'PICKUP' || s.type === 'DELIVER'),
        lines: m.lines.map((x) => ({ ...x, receivedGrams: 900_000 })),
      })),
    };
    const now = at(24 * 400);
    const first = evaluate(noisy, profile, now);
    const shuffled = evaluate(
      { ...noisy, lots: [...noisy.lots!].reverse().map((l) => ({ ...l, events: [...l.events].reverse() })) },
      profile,
      now,
    );
    assert.ok(first.findings.length > 10);
    assert.deepEqual(shuffled, first);
    assert.deepEqual(evaluate(noisy, profile, now), first);
    const keys = first.findings.map((f) => f.dedupeKey);
    assert.equal(new Set(keys).size, keys.length, 'no duplicate keys');
    assert.deepEqual(keys, [...keys].sort());
  });

  it('a split listed on two lots yields one finding', () => {
    const lineage = {
      eventId: 'ev-split',
      operation: 'SPLIT' as const,
      occurredAt: t0,
      inputs: [{ lotId: 'lot-p', grams: 1000_000 }],
      outputs: [{ lotId: 'lot-c', grams: 500_000 }],
    };
    const p = lot('lot-p', [{ type: 'GENERATED', org: GEN, at: t0 }], { lineage: [lineage] });
    const result = evaluate({ lots: [p, p] }, profile, at(1), { only: ['MASS_BALANCE'] });
    assert.deepEqual(
      result.findings.map((f) => f.dedupeKey),
      ['MASS_BALANCE:LOT:lot-p:ev-split'],
    );
  });

  it('a disabled rule finds nothing and settles nothing', () => {
    const l = lot('lot-1', [{ type: 'GENERATED', org: GEN, at: t0 }]);
    const off = withRule(profile, 'STORAGE_LIMIT_EXCEEDED', { enabled: false });
    const result = evaluate({ lots: [l] }, off, at(24 * 400));
    assert.ok(!result.findings.some((f) => f.ruleId === 'STORAGE_LIMIT_EXCEEDED'));
    assert.ok(!result.scope.some((s) => s.ruleId === 'STORAGE_LIMIT_EXCEEDED'));
    assert.deepEqual(keysToResolve(['STORAGE_LIMIT_EXCEEDED:LOT:lot-1:lot-1-e1:GENERATOR_ONE_YEAR'], result), []);
  });

  it('`only` restricts the rules run (a sweep of time rules)', () => {
    const result = evaluate(journeys(1), profile, at(1), { only: ['TRANSIT_OVERDUE'] });
    assert.deepEqual([...new Set(result.scope.map((s) => s.ruleId))], ['TRANSIT_OVERDUE']);
  });
});

describe('keysToResolve: the condition-cleared contract', () => {
  const l1 = lot('lot-1', [{ type: 'GENERATED', org: GEN, at: t0 }]);
  it('resolves open keys in scope that were not found, and nothing else', () => {
    const result = evaluate({ lots: [l1] }, profile, at(1));
    const open = [
      'ORPHAN_LOT:LOT:lot-1:old-event', // in scope, gone → resolve
      'ORPHAN_LOT:LOT:lot-10:e1', // lot-10 is not lot-1 → not in scope
      'ORPHAN_LOT:LOT:lot-2:e1', // not in the batch
      'TRANSIT_OVERDUE:MANIFEST:m-1', // no manifests in the batch
      'CHAIN_TAMPERED:LOT:lot-1', // chain verifications not in the batch
    ];
    assert.deepEqual(keysToResolve(open, result), ['ORPHAN_LOT:LOT:lot-1:old-event']);
  });
  it('keeps keys that are still found', () => {
    const now = after(t0, 91 * DAY);
    const result = evaluate({ lots: [l1] }, profile, now);
    const key = 'ORPHAN_LOT:LOT:lot-1:lot-1-e1';
    assert.ok(result.findings.some((f) => f.dedupeKey === key));
    assert.deepEqual(keysToResolve([key], result), []);
  });
  it('a pair in the batch settles only that pair', () => {
    const result = evaluate(
      {
        pairLosses: [
          {
            consignorId: GEN,
            consigneeId: TRT,
            windowFrom: t0,
            windowTo: t0,
            manifestCount: 1,
            declaredGrams: 10,
            receivedGrams: 10,
            shortfallGrams: 0,
            excessGrams: 0,
            undeliveredGrams: 0,
            carrierIds: [],
            manifestIds: [],
          },
        ],
      },
      profile,
      at(1),
    );
    assert.deepEqual(
      keysToResolve(
        ['CUMULATIVE_LOSS:ORGANISATION:org-gen:org-trt', 'CUMULATIVE_LOSS:ORGANISATION:org-gen:org-car1'],
        result,
      ),
      ['CUMULATIVE_LOSS:ORGANISATION:org-gen:org-trt'],
    );
  });
  it('keys escape ":" so that parts never run together', () => {
    assert.equal(dedupeKey('ORPHAN_LOT', { type: 'LOT', id: 'a:b' }, '50%'), 'ORPHAN_LOT:LOT:a%3Ab:50%25');
  });
});

describe('throughput', () => {
  it('a batch of 500 journeys evaluates well under a second', () => {
    const b = journeys(500);
    const started = performance.now();
    const result = evaluate(b, profile, at(24 * 30));
    const elapsed = performance.now() - started;
    assert.deepEqual(result.findings, []);
    assert.ok(elapsed < 1000, `${elapsed} ms`);
  });
});
