import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FacilityMonthFacts, LineageFact } from '../../../src/reconciliation/domain/facts';
import { massBalance } from '../../../src/reconciliation/domain/rules/mass-balance';
import { STORE, cst, lot, profile } from './builders';

const split = (outputs: number[], input = 1_000_000): LineageFact => ({
  eventId: 'ev-split',
  operation: 'SPLIT',
  occurredAt: cst('2025-09-01 08:00'),
  inputs: [{ lotId: 'lot-p', grams: input }],
  outputs: outputs.map((grams, i) => ({ lotId: `lot-c${i + 1}`, grams })),
});
const parent = (l: LineageFact) =>
  lot(
    'lot-p',
    [
      { type: 'GENERATED', org: STORE, at: cst('2025-08-01 08:00') },
      { type: 'SPLIT', org: STORE, at: cst('2025-09-01 08:00'), id: 'ev-split' },
    ],
    { generatorId: STORE, lineage: [l] },
  );
const lineage = (l: LineageFact) => massBalance({ lots: [parent(l)] }, profile);

describe('MASS_BALANCE: lot lineage', () => {
  it('a split that adds up raises nothing', () => {
    assert.deepEqual(lineage(split([600_000, 400_000])), []);
  });
  it('1 % of the input is tolerated exactly; a gram more is not', () => {
    assert.deepEqual(lineage(split([600_000, 390_000])), []);
    const [f] = lineage(split([600_000, 389_999]));
    assert.equal(f.dedupeKey, 'MASS_BALANCE:LOT:lot-p:ev-split');
    assert.equal(f.evidence.differenceGrams, -10_001);
    assert.deepEqual(f.organisationIds, [STORE]);
    assert.equal(lineage(split([600_000, 410_001])).length, 1);
  });
  it('small lots: at least 100 g is tolerated', () => {
    assert.deepEqual(lineage(split([2_900], 3_000)), []);
    assert.equal(lineage(split([2_899], 3_000)).length, 1);
  });
});

describe('MASS_BALANCE: facility × code × month', () => {
  const month = (extra: Partial<FacilityMonthFacts> = {}): FacilityMonthFacts => ({
    facilityId: STORE,
    month: '2025-09',
    wasteCode: '900-249-08',
    openingStockGrams: 40_000_000,
    receivedGrams: 60_000_000,
    generatedGrams: 0,
    treatedGrams: 50_000_000,
    sentOnGrams: 20_000_000,
    closingStockGrams: 30_000_000,
    ...extra,
  });
  it('received − treated − sent on − Δ storage = 0: nothing', () => {
    assert.deepEqual(massBalance({ facilityMonths: [month()] }, profile), []);
  });
  it('a residual of exactly 1 % of the month’s inflow is tolerated; a gram more is flagged', () => {
    // inflow 100 t → 1 t tolerated
    assert.deepEqual(massBalance({ facilityMonths: [month({ closingStockGrams: 29_000_000 })] }, profile), []);
    const [f] = massBalance({ facilityMonths: [month({ closingStockGrams: 28_999_999 })] }, profile);
    assert.equal(f.dedupeKey, 'MASS_BALANCE:FACILITY_PERIOD:org-store@2025-09:900-249-08');
    assert.deepEqual(f.subject, { type: 'FACILITY_PERIOD', id: 'org-store@2025-09' });
    assert.equal(f.evidence.residualGrams, 1_000_001);
    const [over] = massBalance({ facilityMonths: [month({ treatedGrams: 51_000_001 })] }, profile);
    assert.equal(over.evidence.residualGrams, -1_000_001);
  });
  it('own generation counts as inflow', () => {
    assert.deepEqual(
      massBalance({ facilityMonths: [month({ generatedGrams: 5_000_000, sentOnGrams: 25_000_000 })] }, profile),
      [],
    );
  });
  it('small flows: at least 1 kg is tolerated', () => {
    const small = {
      openingStockGrams: 0,
      receivedGrams: 10_000,
      treatedGrams: 9_000,
      sentOnGrams: 0,
      closingStockGrams: 0,
    };
    assert.deepEqual(massBalance({ facilityMonths: [month(small)] }, profile), []);
    assert.equal(massBalance({ facilityMonths: [month({ ...small, treatedGrams: 8_999 })] }, profile).length, 1);
  });
});
