import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { evaluate, keysToResolve } from '../../../src/reconciliation/domain/evaluate';
import { withRule } from '../../../src/reconciliation/domain/rule-profile';
import { storageLimitExceeded, treatmentOverdue } from '../../../src/reconciliation/domain/rules/holding-limits';
import { addWorkingDays } from '../../../src/reconciliation/domain/working-days';
import type { LotFacts } from '../../../src/reconciliation/domain/facts';
import {
  CAR1,
  COL,
  DAY,
  GEN,
  HOSPITAL,
  HOUR,
  STORE,
  TRT,
  after,
  batch,
  cst,
  handedLot,
  lot,
  profile,
} from './builders';

const storage = (l: LotFacts, now: Date, p = profile) => storageLimitExceeded(batch({ lots: [l] }), p, now);
const treatment = (l: LotFacts, now: Date, p = profile) => treatmentOverdue(batch({ lots: [l] }), p, now);
const t0 = cst('2025-09-01 08:00');

describe('STORAGE_LIMIT_EXCEEDED: medical waste at the producer (条例 Art 17)', () => {
  const stored = after(t0, 1 * HOUR);
  const bag = (more: Parameters<typeof lot>[1] = []) =>
    lot(
      'bag-1',
      [
        { type: 'GENERATED', org: HOSPITAL, at: t0, id: 'gen-1' },
        { type: 'STORED', org: HOSPITAL, at: stored },
        ...more,
      ],
      { generatorId: HOSPITAL, wasteCode: '841-001-01', medicalClass: 'INFECTIOUS' },
    );

  it('counts from placement in storage: 36 h nothing, then a warning, 48 h still a warning, then a breach', () => {
    assert.deepEqual(storage(bag(), after(stored, 36 * HOUR)), []);
    const [warn] = storage(bag(), after(stored, 36 * HOUR + 1));
    assert.equal(warn.severity, 'WARNING');
    assert.equal(warn.dedupeKey, 'STORAGE_LIMIT_EXCEEDED:LOT:bag-1:gen-1:MEDICAL_AT_PRODUCER');
    assert.equal(warn.evidence.status, 'APPROACHING_LIMIT');
    assert.equal(storage(bag(), after(stored, 48 * HOUR))[0].severity, 'WARNING');
    const [breach] = storage(bag(), after(stored, 48 * HOUR + 1));
    assert.equal(breach.severity, 'HIGH');
    assert.equal(breach.dedupeKey, warn.dedupeKey, 'escalation keeps the key');
    assert.equal(breach.evidence.deadline, '2025-09-03T01:00:00.000Z');
    assert.deepEqual(breach.organisationIds, [HOSPITAL]);
  });
  it('collected in time clears it; collected after 48 h is reported under :late', () => {
    const collected = (h: number) =>
      bag([
        { type: 'HANDED_OVER', org: HOSPITAL, at: after(stored, h * HOUR - 1), to: TRT },
        { type: 'RECEIVED', org: TRT, at: after(stored, h * HOUR) },
      ]);
    const now = after(stored, 60 * HOUR);
    assert.deepEqual(storage(collected(47), now), []);
    const result = evaluate(batch({ lots: [collected(47)] }), profile, now, { only: ['STORAGE_LIMIT_EXCEEDED'] });
    assert.deepEqual(keysToResolve(['STORAGE_LIMIT_EXCEEDED:LOT:bag-1:gen-1:MEDICAL_AT_PRODUCER'], result), [
      'STORAGE_LIMIT_EXCEEDED:LOT:bag-1:gen-1:MEDICAL_AT_PRODUCER',
    ]);
    const [late] = storage(collected(50), now);
    assert.equal(late.dedupeKey, 'STORAGE_LIMIT_EXCEEDED:LOT:bag-1:gen-1:MEDICAL_AT_PRODUCER:late');
    assert.equal(late.severity, 'HIGH');
    assert.equal(late.evidence.elapsedHours, 50);
    const quiet = withRule(profile, 'STORAGE_LIMIT_EXCEEDED', { thresholds: { reportLate: false } });
    assert.deepEqual(storage(collected(50), now, quiet), []);
  });
  it('without a STORED event the clock starts at generation', () => {
    const l = lot('bag-2', [{ type: 'GENERATED', org: HOSPITAL, at: t0 }], {
      generatorId: HOSPITAL,
      wasteCode: '841-002-01',
      medicalClass: 'SHARPS',
    });
    assert.deepEqual(storage(l, after(t0, 36 * HOUR)), []);
    assert.equal(storage(l, after(t0, 36 * HOUR + 1)).length, 1);
  });
});

describe('STORAGE_LIMIT_EXCEEDED: hazardous waste, one year', () => {
  it('at the generator: warning after 300 days, breach after 365', () => {
    const l = lot('lot-1', [{ type: 'GENERATED', org: GEN, at: t0, id: 'g' }]);
    assert.deepEqual(storage(l, after(t0, 300 * DAY)), []);
    assert.equal(storage(l, after(t0, 300 * DAY + 1))[0].severity, 'WARNING');
    assert.equal(storage(l, after(t0, 365 * DAY))[0].severity, 'WARNING');
    const [f] = storage(l, after(t0, 365 * DAY + 1));
    assert.equal(f.severity, 'HIGH');
    assert.equal(f.evidence.basis, 'GENERATOR_ONE_YEAR');
  });
  it('at a licensed operator, from receipt; an approved extension moves the limit', () => {
    const l = handedLot('lot-1', t0, STORE, 10);
    const received = after(t0, 10 * HOUR);
    assert.deepEqual(storage(l, after(received, 300 * DAY)), []);
    const [f] = storage(l, after(received, 365 * DAY + 1));
    assert.equal(f.evidence.basis, 'OPERATOR_ONE_YEAR');
    assert.equal(f.dedupeKey, 'STORAGE_LIMIT_EXCEEDED:LOT:lot-1:lot-1-e3:OPERATOR_ONE_YEAR');
    assert.deepEqual(f.organisationIds, [STORE]);
    const extended = { ...l, storageExtensionUntil: after(received, 400 * DAY) };
    assert.deepEqual(storage(extended, after(received, 400 * DAY)), []);
    assert.equal(
      storage(extended, after(received, 400 * DAY + 1))[0].evidence.extensionUntil,
      '2026-10-06T10:00:00.000Z',
    );
  });
  it('a collection-licence holder: 90 working days, counted on the official calendar', () => {
    const received = cst('2025-09-30 15:00');
    const l = lot('lot-1', [
      { type: 'GENERATED', org: GEN, at: t0 },
      { type: 'HANDED_OVER', org: GEN, at: received, to: COL },
      { type: 'RECEIVED', org: COL, at: received },
    ]);
    const deadline = addWorkingDays(new Date(received), 90);
    // The 90th working day after Tue 2025-09-30 is Wed 2026-02-11 (chinese-days' findWorkday agrees).
    assert.equal(deadline.toISOString(), '2026-02-11T16:00:00.000Z');
    assert.deepEqual(storage(l, deadline), []);
    const [f] = storage(l, after(deadline, 1));
    assert.equal(f.evidence.basis, 'COLLECTION_ONWARD');
    assert.equal(f.evidence.limitWorkingDays, 90);
  });
  it('a carrier holding a lot is not storage', () => {
    const l = handedLot('lot-1', t0, CAR1);
    assert.deepEqual(storage(l, after(t0, 400 * DAY)), []);
  });
  it('a lot split off another keeps its holder’s clock', () => {
    const child = lot('lot-c', [{ type: 'SPLIT', org: STORE, at: after(t0, 200 * DAY) }], {
      holdingSince: t0,
    });
    assert.equal(storage(child, after(t0, 365 * DAY + 1))[0].severity, 'HIGH');
  });
});

describe('TREATMENT_OVERDUE', () => {
  const medical = (epidemicMode = false) =>
    handedLot('bag-1', t0, TRT, 2, {
      generatorId: HOSPITAL,
      wasteCode: '841-001-01',
      medicalClass: 'INFECTIOUS',
      epidemicMode,
    });
  const arrived = after(t0, 2 * HOUR);

  it('medical waste at the disposer: 72 h from arrival (GB 39707)', () => {
    assert.deepEqual(treatment(medical(), after(arrived, 72 * HOUR)), []);
    const [f] = treatment(medical(), after(arrived, 72 * HOUR + 1));
    assert.equal(f.dedupeKey, 'TREATMENT_OVERDUE:LOT:bag-1:bag-1-e3');
    assert.equal(f.evidence.basis, 'MEDICAL');
    assert.deepEqual(f.organisationIds, [TRT]);
    assert.equal(f.severity, 'HIGH');
  });
  it('in epidemic mode: 12 h (鲁 办法 Art 13), same key', () => {
    assert.deepEqual(treatment(medical(true), after(arrived, 12 * HOUR)), []);
    const [f] = treatment(medical(true), after(arrived, 12 * HOUR + 1));
    assert.equal(f.evidence.basis, 'MEDICAL_EPIDEMIC');
    assert.equal(f.dedupeKey, 'TREATMENT_OVERDUE:LOT:bag-1:bag-1-e3');
  });
  it('treated: cleared; treated late: :late', () => {
    const treated = (h: number) => {
      const l = medical();
      return {
        ...l,
        events: [
          ...l.events,
          {
            ...l.events[0],
            id: 'tr',
            seq: 4,
            type: 'TREATED' as const,
            organisationId: TRT,
            occurredAt: after(arrived, h * HOUR),
          },
        ],
      };
    };
    assert.deepEqual(treatment(treated(70), after(arrived, 100 * HOUR)), []);
    assert.equal(
      treatment(treated(73), after(arrived, 100 * HOUR))[0].dedupeKey,
      'TREATMENT_OVERDUE:LOT:bag-1:bag-1-e3:late',
    );
  });
  it('hazardous waste: working days across National Day', () => {
    const p = withRule(profile, 'TREATMENT_OVERDUE', { thresholds: { hazardousWorkingDays: 5 } });
    const received = cst('2025-09-30 15:00');
    const l = lot('lot-1', [
      { type: 'GENERATED', org: GEN, at: t0 },
      { type: 'HANDED_OVER', org: GEN, at: received, to: TRT },
      { type: 'RECEIVED', org: TRT, at: received },
    ]);
    assert.deepEqual(treatment(l, new Date('2025-10-14T16:00:00.000Z'), p), []);
    const [f] = treatment(l, new Date('2025-10-14T16:00:00.001Z'), p);
    assert.equal(f.evidence.deadline, '2025-10-14T16:00:00.000Z');
    assert.equal(f.evidence.basis, 'HAZARDOUS');
  });
  it('only at a treater', () => {
    assert.deepEqual(treatment(handedLot('lot-1', t0, STORE), after(t0, 400 * DAY)), []);
  });
});
