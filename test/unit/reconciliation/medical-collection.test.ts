import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { evaluate, keysToResolve } from '../../../src/reconciliation/domain/evaluate';
import type { MedicalInstitutionFacts } from '../../../src/reconciliation/domain/facts';
import { withRule } from '../../../src/reconciliation/domain/rule-profile';
import { medicalCollectionInterval } from '../../../src/reconciliation/domain/rules/medical-collection';
import { HOSPITAL, HOUR, TRT, after, cst, profile } from './builders';

const last = cst('2025-09-01 08:00');
const institution = (extra: Partial<MedicalInstitutionFacts> = {}): MedicalInstitutionFacts => ({
  organisationId: HOSPITAL,
  collectorId: TRT,
  epidemicMode: false,
  lastCollectedAt: last,
  lastCollectionRef: 'm-100',
  serviceStartAt: cst('2025-01-01 00:00'),
  pendingWasteSince: after(last, 2 * HOUR).toISOString(),
  ...extra,
});
const run = (i: MedicalInstitutionFacts, now: Date, p = profile) =>
  medicalCollectionInterval({ medicalInstitutions: [i] }, p, now);

describe('MEDICAL_COLLECTION_INTERVAL (鲁 办法 Art 10)', () => {
  it('48 h since the last collection is in time; a millisecond more is not', () => {
    assert.deepEqual(run(institution(), after(last, 48 * HOUR)), []);
    const [f] = run(institution(), after(last, 48 * HOUR + 1));
    assert.equal(f.dedupeKey, 'MEDICAL_COLLECTION_INTERVAL:ORGANISATION:org-hospital:m-100');
    assert.equal(f.severity, 'HIGH');
    assert.deepEqual(f.organisationIds, [HOSPITAL, TRT].sort());
    assert.equal(f.evidence.limitHours, 48);
  });
  it('24 h in epidemic mode, under the same key', () => {
    assert.deepEqual(run(institution({ epidemicMode: true }), after(last, 24 * HOUR)), []);
    const [f] = run(institution({ epidemicMode: true }), after(last, 24 * HOUR + 1));
    assert.equal(f.evidence.limitHours, 24);
    assert.equal(f.dedupeKey, 'MEDICAL_COLLECTION_INTERVAL:ORGANISATION:org-hospital:m-100');
  });
  it('never collected: the clock runs from when it came under collection', () => {
    const i = institution({ lastCollectedAt: null, lastCollectionRef: null });
    const [f] = run(i, after(i.serviceStartAt, 48 * HOUR + 1));
    assert.equal(f.dedupeKey, 'MEDICAL_COLLECTION_INTERVAL:ORGANISATION:org-hospital:never');
  });
  it('nothing waiting: not flagged, unless the profile asks for every institution', () => {
    const i = institution({ pendingWasteSince: null });
    assert.deepEqual(run(i, after(last, 100 * HOUR)), []);
    const strict = withRule(profile, 'MEDICAL_COLLECTION_INTERVAL', { thresholds: { onlyWithPendingWaste: false } });
    assert.equal(run(i, after(last, 100 * HOUR), strict).length, 1);
  });
  it('the next collection clears the flag and starts a new interval', () => {
    const now = after(last, 60 * HOUR);
    const collected = institution({
      lastCollectedAt: after(last, 55 * HOUR).toISOString(),
      lastCollectionRef: 'm-101',
    });
    const result = evaluate({ medicalInstitutions: [collected] }, profile, now);
    assert.deepEqual(result.findings, []);
    assert.deepEqual(keysToResolve(['MEDICAL_COLLECTION_INTERVAL:ORGANISATION:org-hospital:m-100'], result), [
      'MEDICAL_COLLECTION_INTERVAL:ORGANISATION:org-hospital:m-100',
    ]);
  });
});

describe('MEDICAL_COLLECTION_INTERVAL: a past collection that came too late', () => {
  const base = {
    organisationId: 'clinic',
    collectorId: 'disposer',
    epidemicMode: false,
    lastCollectedAt: '2026-09-24T02:00:00Z',
    lastCollectionRef: '30',
    serviceStartAt: '2026-09-14T00:00:00Z',
    pendingWasteSince: null,
  };
  const evaluate = (history: Array<{ at: string; ref: string; oldestGeneratedAt: string }>) =>
    medicalCollectionInterval(
      { medicalInstitutions: [{ ...base, collectionHistory: history }] },
      profile,
      new Date('2026-11-28T00:00:00Z'),
    );

  it('a 60 h gap with waste waiting is reported under :late:<ref>', () => {
    const [f] = evaluate([
      { at: '2026-09-21T08:00:00Z', ref: '10', oldestGeneratedAt: '2026-09-21T00:00:00Z' },
      { at: '2026-09-23T20:00:00Z', ref: '20', oldestGeneratedAt: '2026-09-22T00:00:00Z' },
    ]);
    assert.equal(f.dedupeKey, 'MEDICAL_COLLECTION_INTERVAL:ORGANISATION:clinic:late:20');
    assert.equal(f.evidence.gapHours, 60);
  });
  it('exactly 48 h is in time; a long gap with no waste waiting past the deadline is not late', () => {
    assert.deepEqual(
      evaluate([
        { at: '2026-09-21T08:00:00Z', ref: '10', oldestGeneratedAt: '2026-09-21T00:00:00Z' },
        { at: '2026-09-23T08:00:00Z', ref: '20', oldestGeneratedAt: '2026-09-22T00:00:00Z' },
      ]),
      [],
    );
    assert.deepEqual(
      evaluate([
        { at: '2026-09-21T08:00:00Z', ref: '10', oldestGeneratedAt: '2026-09-21T00:00:00Z' },
        { at: '2026-09-25T08:00:00Z', ref: '20', oldestGeneratedAt: '2026-09-24T00:00:00Z' },
      ]),
      [],
    );
  });
});
