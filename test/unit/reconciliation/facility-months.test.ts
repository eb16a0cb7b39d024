import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { evaluate } from '../../../src/reconciliation/domain/evaluate';
import type { CustodyEventType, LotFacts } from '../../../src/reconciliation/domain/facts';
import { CN_DEFAULT_PROFILE } from '../../../src/reconciliation/domain/rule-profile';
import {
  facilityMonthFacts,
  monthOf,
  monthWindow,
  parseFacilityPeriod,
  touchedPeriods,
} from '../../../src/reconciliation/facts/facility-months';

const GEN = 'gen';
const COL = 'col';
const TRT = 'trt';
const CODE = '900-041-49';

interface Spec {
  type: CustodyEventType;
  org: string;
  at: string;
  grams?: number;
  closesLot?: boolean;
}

/** `at` in China time, e.g. '2026-03-31 23:30'. */
function lot(id: string, specs: Spec[], code = CODE): LotFacts {
  return {
    id,
    wasteCode: code,
    medicalClass: null,
    generatorId: specs[0].org,
    generatedAt: `${specs[0].at.replace(' ', 'T')}:00+08:00`,
    quantityGrams: specs[0].grams ?? 0,
    events: specs.map((s, i) => ({
      id: `${id}-${i + 1}`,
      seq: i + 1,
      type: s.type,
      organisationId: s.org,
      occurredAt: `${s.at.replace(' ', 'T')}:00+08:00`,
      recordedAt: `${s.at.replace(' ', 'T')}:00+08:00`,
      quantityGrams: s.grams ?? null,
      closesLot: s.closesLot,
    })),
  };
}

describe('facility months from custody events', () => {
  it('months are China calendar months', () => {
    assert.equal(monthOf('2026-03-31T16:00:00Z'), '2026-04');
    assert.equal(monthOf('2026-03-31T15:59:59.999Z'), '2026-03');
    const w = monthWindow('2026-02');
    assert.equal(new Date(w.from).toISOString(), '2026-01-31T16:00:00.000Z');
    assert.equal(new Date(w.to).toISOString(), '2026-02-28T16:00:00.000Z');
    assert.equal(new Date(monthWindow('2026-12').to).toISOString(), '2026-12-31T16:00:00.000Z');
    assert.deepEqual(parseFacilityPeriod('a-b@2026-03'), { facilityId: 'a-b', month: '2026-03' });
    assert.equal(parseFacilityPeriod('x@2026-13'), null);
    assert.equal(parseFacilityPeriod('@2026-01'), null);
  });

  it('received, sent on, treated and stock balance across holders and months', () => {
    const lots = [
      // GEN → COL (received 29 March, 990 g weighed) → TRT (2 April) → treated 3 April.
      lot('A', [
        { type: 'GENERATED', org: GEN, at: '2026-03-01 08:00', grams: 1000 },
        { type: 'HANDED_OVER', org: GEN, at: '2026-03-29 08:00' },
        { type: 'RECEIVED', org: COL, at: '2026-03-29 10:00', grams: 990 },
        { type: 'HANDED_OVER', org: COL, at: '2026-04-02 08:00' },
        { type: 'RECEIVED', org: TRT, at: '2026-04-02 12:00' },
        { type: 'TREATED', org: TRT, at: '2026-04-03 08:00' },
      ]),
      // COL's own lot of another code, held across the months.
      lot('B', [{ type: 'GENERATED', org: COL, at: '2026-02-10 08:00', grams: 5000 }], '900-249-08'),
    ];
    const facts = facilityMonthFacts(lots, [
      { facilityId: COL, month: '2026-03' },
      { facilityId: COL, month: '2026-04' },
      { facilityId: TRT, month: '2026-04' },
    ]);
    const zero = {
      openingStockGrams: 0,
      receivedGrams: 0,
      generatedGrams: 0,
      treatedGrams: 0,
      sentOnGrams: 0,
      closingStockGrams: 0,
    };
    assert.deepEqual(facts, [
      { facilityId: COL, month: '2026-03', wasteCode: CODE, ...zero, receivedGrams: 990, closingStockGrams: 990 },
      {
        facilityId: COL,
        month: '2026-03',
        wasteCode: '900-249-08',
        ...zero,
        openingStockGrams: 5000,
        closingStockGrams: 5000,
      },
      { facilityId: COL, month: '2026-04', wasteCode: CODE, ...zero, openingStockGrams: 990, sentOnGrams: 990 },
      {
        facilityId: COL,
        month: '2026-04',
        wasteCode: '900-249-08',
        ...zero,
        openingStockGrams: 5000,
        closingStockGrams: 5000,
      },
      { facilityId: TRT, month: '2026-04', wasteCode: CODE, ...zero, receivedGrams: 990, treatedGrams: 990 },
    ]);
    const result = evaluate({ facilityMonths: facts }, CN_DEFAULT_PROFILE, new Date('2026-05-01T00:00:00Z'));
    assert.deepEqual(result.findings, []);
    assert.equal(result.scope.length, 5);
  });

  it('a correction that makes waste vanish from store is a residual; a balanced split is not', () => {
    const lots = [
      lot('A', [
        { type: 'GENERATED', org: COL, at: '2026-03-01 08:00', grams: 100_000 },
        { type: 'CORRECTED', org: COL, at: '2026-03-05 08:00', grams: 80_000 },
      ]),
      lot('P', [
        { type: 'GENERATED', org: COL, at: '2026-03-01 08:00', grams: 10_000 },
        { type: 'SPLIT', org: COL, at: '2026-03-02 08:00' },
      ]),
      lot('C1', [{ type: 'SPLIT', org: COL, at: '2026-03-02 08:00', grams: 6_000 }]),
      lot('C2', [{ type: 'SPLIT', org: COL, at: '2026-03-02 08:00', grams: 4_000 }]),
    ];
    const [march] = facilityMonthFacts(lots, [{ facilityId: COL, month: '2026-03' }]);
    assert.equal(march.generatedGrams, 110_000);
    assert.equal(march.closingStockGrams, 90_000);
    const result = evaluate({ facilityMonths: [march] }, CN_DEFAULT_PROFILE, new Date('2026-04-01T00:00:00Z'));
    assert.deepEqual(
      result.findings.map((f) => [f.dedupeKey, f.evidence.residualGrams]),
      [[`MASS_BALANCE:FACILITY_PERIOD:${COL}@2026-03:${CODE}`, 20_000]],
    );
  });

  it('a partial treatment (TREATED followed by more events) leaves the lot in stock', () => {
    const lots = [
      lot('A', [
        { type: 'GENERATED', org: TRT, at: '2026-03-01 08:00', grams: 1000 },
        { type: 'TREATED', org: TRT, at: '2026-03-02 08:00', closesLot: false },
        { type: 'STORED', org: TRT, at: '2026-03-03 08:00' },
      ]),
    ];
    const [march] = facilityMonthFacts(lots, [{ facilityId: TRT, month: '2026-03' }]);
    assert.equal(march.treatedGrams, 0);
    assert.equal(march.closingStockGrams, 1000);
  });

  it('a lot touches the months of its holders’ events, on both sides of a transfer', () => {
    const a = lot('A', [
      { type: 'GENERATED', org: GEN, at: '2026-03-01 08:00', grams: 1000 },
      { type: 'HANDED_OVER', org: GEN, at: '2026-03-31 20:00' },
      { type: 'RECEIVED', org: COL, at: '2026-04-01 09:00' },
    ]);
    assert.deepEqual(
      touchedPeriods(a)
        .map((p) => `${p.facilityId}@${p.month}`)
        .sort(),
      ['col@2026-04', 'gen@2026-03', 'gen@2026-04'],
    );
  });
});
