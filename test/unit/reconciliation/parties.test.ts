import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CreditGradeFact, PairLossFacts } from '../../../src/reconciliation/domain/facts';
import {
  blacklistedParty,
  cumulativeLoss,
  pairLossFactsFromManifests,
} from '../../../src/reconciliation/domain/rules/parties';
import { CAR1, CAR2, DAY, GEN, HOUR, TRT, after, cst, line, manifest, profile, step } from './builders';

describe('BLACKLISTED_PARTY', () => {
  const submitted = cst('2025-09-01 08:00');
  const black = (org: string, from: string, to: string | null = null): CreditGradeFact => ({
    organisationId: org,
    grade: 'BLACK',
    validFrom: from,
    validTo: to,
  });
  const run = (grades: CreditGradeFact[], status: 'IN_TRANSIT' | 'COMPLETED' | 'CANCELLED', now: string) =>
    blacklistedParty(
      { manifests: [manifest('m-1', [], { status, submittedAt: submitted })], creditGrades: grades },
      profile,
      new Date(now),
    );

  it('a party black-listed when the manifest was submitted', () => {
    const [f] = run([black(CAR1, cst('2025-01-01 00:00'))], 'COMPLETED', '2025-12-01T00:00:00Z');
    assert.equal(f.dedupeKey, 'BLACKLISTED_PARTY:MANIFEST:m-1:org-car1');
    assert.equal(f.evidence.asOf, 'SUBMISSION');
    assert.deepEqual(f.evidence.roles, ['CARRIER']);
    assert.deepEqual(f.organisationIds, [CAR1, GEN, TRT].sort());
  });
  it('black-listed later: flagged while the manifest is open, not once it is closed', () => {
    const grades = [black(TRT, cst('2025-09-02 00:00'))];
    assert.equal(run(grades, 'IN_TRANSIT', '2025-09-03T00:00:00Z')[0].evidence.asOf, 'NOW');
    assert.deepEqual(run(grades, 'COMPLETED', '2025-09-03T00:00:00Z'), []);
  });
  it('the grade’s validity is [validFrom, validTo); other grades and cancelled manifests are ignored', () => {
    assert.deepEqual(run([black(CAR1, cst('2025-01-01 00:00'), submitted)], 'COMPLETED', '2025-12-01T00:00:00Z'), []);
    assert.equal(run([black(CAR1, submitted)], 'COMPLETED', '2025-12-01T00:00:00Z').length, 1);
    assert.deepEqual(
      run([{ ...black(CAR1, cst('2025-01-01 00:00')), grade: 'YELLOW' }], 'IN_TRANSIT', '2025-09-03T00:00:00Z'),
      [],
    );
    assert.deepEqual(run([black(CAR1, cst('2025-01-01 00:00'))], 'CANCELLED', '2025-09-03T00:00:00Z'), []);
  });
});

describe('CUMULATIVE_LOSS (两高解释 2023 Art 1: 3 t)', () => {
  const pair = (declared: number, received: number, extra: Partial<PairLossFacts> = {}): PairLossFacts => ({
    consignorId: GEN,
    consigneeId: TRT,
    windowFrom: '2024-09-01T00:00:00Z',
    windowTo: '2025-09-01T00:00:00Z',
    manifestCount: 12,
    declaredGrams: declared,
    receivedGrams: received,
    shortfallGrams: Math.max(0, declared - received),
    excessGrams: Math.max(0, received - declared),
    undeliveredGrams: 0,
    carrierIds: [CAR1],
    manifestIds: ['m-1'],
    ...extra,
  });
  const run = (p: PairLossFacts) => cumulativeLoss({ pairLosses: [p] }, profile);

  it('no net loss: nothing; any net loss: a warning (rules.md §8 #40, any size)', () => {
    assert.deepEqual(run(pair(50_000_000, 50_000_000)), []);
    assert.deepEqual(run(pair(50_000_000, 50_000_001)), []);
    const [f] = run(pair(50_000_000, 49_999_999));
    assert.equal(f.severity, 'WARNING');
    assert.equal(f.dedupeKey, 'CUMULATIVE_LOSS:ORGANISATION:org-gen:org-trt');
    assert.deepEqual(f.organisationIds, [CAR1, GEN, TRT].sort());
    assert.equal(f.evidence.tier, 'BELOW_CRIMINAL_THRESHOLD');
  });
  it('just under 3 t: a warning; exactly 3 t: critical', () => {
    assert.equal(run(pair(50_000_000, 47_000_001))[0].severity, 'WARNING');
    const [f] = run(pair(50_000_000, 47_000_000));
    assert.equal(f.severity, 'CRITICAL');
    assert.equal(f.evidence.netLossGrams, 3_000_000);
    assert.equal(f.evidence.tier, 'SEVERE');
  });
  it('undelivered shipments count as lost; 100 t is "serious circumstances"', () => {
    assert.equal(run(pair(10_000_000, 10_000_000, { undeliveredGrams: 3_000_000 }))[0].severity, 'CRITICAL');
    assert.equal(run(pair(200_000_000, 100_000_000))[0].evidence.tier, 'SERIOUS');
  });
});

describe('pairLossFactsFromManifests', () => {
  const now = new Date('2025-09-30T00:00:00Z');
  const received = (id: string, at: Date, declared: number, got: number, consignee = TRT) =>
    manifest(
      id,
      [
        step('PICKUP', CAR1, after(at, -5 * HOUR)),
        step('DELIVER', consignee, after(at, -HOUR)),
        step('RECEIVE', consignee, at),
      ],
      { consigneeId: consignee, status: 'RECEIVED', lines: [line({ declaredGrams: declared, receivedGrams: got })] },
    );
  it('sums received lines in the window and counts overdue shipments as undelivered', () => {
    const manifests = [
      received('m-1', after(now, -10 * DAY), 1_000_000, 900_000),
      received('m-2', after(now, -20 * DAY), 1_000_000, 1_050_000),
      received('m-3', after(now, -400 * DAY), 1_000_000, 0), // outside the window
      manifest('m-4', [step('PICKUP', CAR2, after(now, -5 * DAY))], { carriers: [{ organisationId: CAR2, order: 1 }] }),
      manifest('m-5', [step('PICKUP', CAR1, after(now, -HOUR))]), // in transit, not yet overdue
      { ...received('m-6', after(now, -DAY), 1_000_000, 0), status: 'CANCELLED' as const },
      received('m-7', after(now, -DAY), 2_000_000, 1_000_000, CAR2),
    ];
    const pairs = pairLossFactsFromManifests(manifests, profile, now);
    assert.deepEqual(
      pairs.map((p) => [
        p.consigneeId,
        p.manifestCount,
        p.declaredGrams,
        p.receivedGrams,
        p.shortfallGrams,
        p.excessGrams,
        p.undeliveredGrams,
        p.manifestIds,
        p.carrierIds,
      ]),
      [
        [CAR2, 1, 2_000_000, 1_000_000, 1_000_000, 0, 0, ['m-7'], [CAR1]],
        [TRT, 3, 2_000_000, 1_950_000, 100_000, 50_000, 1_000_000, ['m-1', 'm-4'], [CAR1, CAR2]],
      ],
    );
    const [f] = cumulativeLoss({ pairLosses: pairs.filter((p) => p.consigneeId === TRT) }, profile);
    assert.equal(f.evidence.netLossGrams, 1_050_000);
  });
});
