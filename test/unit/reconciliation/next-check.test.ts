import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { evaluate } from '../../../src/reconciliation/domain/evaluate';
import type { MedicalInstitutionFacts } from '../../../src/reconciliation/domain/facts';
import {
  durationsOf,
  earliestAfter,
  institutionNextCheck,
  lotNextCheck,
  manifestNextCheck,
  nextChecks,
  TIME_RULES,
} from '../../../src/reconciliation/domain/next-check';
import { CN_DEFAULT_PROFILE, withRule } from '../../../src/reconciliation/domain/rule-profile';
import { addWorkingDays } from '../../../src/reconciliation/domain/working-days';
import { CAR1, COL, cst, DAY, GEN, HOSPITAL, HOUR, lot, manifest, ORGS, step } from './builders';

const P = CN_DEFAULT_PROFILE;

describe('next check: when time-based findings may change', () => {
  it('takes every duration threshold of the enabled time rules', () => {
    const lotDurations = durationsOf(P, TIME_RULES.LOT);
    assert.ok(lotDurations.some((d) => 'ms' in d && d.ms === 24 * HOUR)); // handover
    assert.ok(lotDurations.some((d) => 'ms' in d && d.ms === 36 * HOUR)); // medical warning
    assert.ok(lotDurations.some((d) => 'ms' in d && d.ms === 365 * DAY));
    assert.ok(lotDurations.some((d) => 'workingDays' in d && d.workingDays === 90));
    const off = withRule(P, 'ORPHAN_LOT', { enabled: false });
    assert.ok(!durationsOf(off, ['ORPHAN_LOT']).length);
  });

  it('the earliest instant + duration + 1 ms after now; working days on the China calendar', () => {
    const start = new Date('2025-09-30T07:00:00Z');
    const now = new Date('2025-10-01T00:00:00Z');
    assert.deepEqual(earliestAfter([start], [{ ms: HOUR }], now), null);
    assert.deepEqual(earliestAfter([start], [{ ms: DAY }], now), new Date(start.getTime() + DAY + 1));
    assert.deepEqual(
      earliestAfter([start], [{ workingDays: 5 }], now),
      new Date(addWorkingDays(start, 5).getTime() + 1),
    );
    assert.deepEqual(
      earliestAfter([], [{ ms: HOUR }], now, [new Date('2025-10-02T00:00:00Z')]),
      new Date('2025-10-02T00:00:00.001Z'),
    );
  });

  it('a medical lot at its producer is next due when its 36 h warning passes, then at 48 h', () => {
    const generated = cst('2025-10-01 08:00');
    const medical = lot('m1', [{ type: 'GENERATED', org: HOSPITAL, at: generated }], {
      generatorId: HOSPITAL,
      wasteCode: '841-001-01',
      medicalClass: 'INFECTIOUS',
    });
    const t0 = new Date(generated);
    // The shortest lot duration is 12 h (treatment in epidemic mode): an over-approximation.
    const due1 = lotNextCheck(medical, P, new Date(t0.getTime() + HOUR))!;
    assert.deepEqual(due1, new Date(t0.getTime() + 12 * HOUR + 1));
    const due2 = lotNextCheck(medical, P, new Date(t0.getTime() + 30 * HOUR))!;
    assert.deepEqual(due2, new Date(t0.getTime() + 36 * HOUR + 1));
    // At every due instant the evaluation may differ from just before; between two, it does not.
    const batch = { lots: [medical], organisations: ORGS };
    const before = evaluate(batch, P, new Date(t0.getTime() + 36 * HOUR));
    const at = evaluate(batch, P, due2);
    assert.deepEqual(before.findings, []);
    assert.equal(at.findings[0].ruleId, 'STORAGE_LIMIT_EXCEEDED');
    assert.deepEqual(lotNextCheck(medical, P, due2), new Date(t0.getTime() + 48 * HOUR + 1));
  });

  it('a closed lot depends on time no more; an open handover keeps it due', () => {
    const closed = lot('c1', [
      { type: 'GENERATED', org: GEN, at: cst('2025-10-01 08:00') },
      { type: 'DISPOSED', org: GEN, at: cst('2025-10-02 08:00') },
    ]);
    assert.equal(lotNextCheck(closed, P, new Date('2025-10-03T00:00:00Z')), null);
    const pending = lot('h1', [
      { type: 'GENERATED', org: GEN, at: cst('2025-10-01 08:00') },
      { type: 'HANDED_OVER', org: GEN, at: cst('2025-10-02 08:00'), to: CAR1 },
    ]);
    assert.deepEqual(
      lotNextCheck(pending, P, new Date(cst('2025-10-02 09:00'))),
      new Date(new Date(cst('2025-10-02 08:00')).getTime() + 12 * HOUR + 1),
    );
  });

  it('an institution with no waste waiting is not due; one with waste is due at its interval', () => {
    const inst: MedicalInstitutionFacts = {
      organisationId: HOSPITAL,
      collectorId: COL,
      epidemicMode: false,
      lastCollectedAt: cst('2025-10-01 08:00'),
      lastCollectionRef: 'e1',
      serviceStartAt: cst('2025-01-01 08:00'),
      pendingWasteSince: null,
    };
    const now = new Date(cst('2025-10-01 09:00'));
    assert.equal(institutionNextCheck(inst, P, now), null);
    const waiting = { ...inst, pendingWasteSince: cst('2025-10-01 08:30') };
    // 24 h (epidemic) is among the durations: an over-approximation that never misses the 48 h.
    assert.deepEqual(
      institutionNextCheck(waiting, P, now),
      new Date(new Date(inst.lastCollectedAt!).getTime() + 24 * HOUR + 1),
    );
  });

  it('manifests: open ones are due at their clocks and parties’ grade changes; closed ones never', () => {
    const m = manifest('M1', [step('PICKUP', CAR1, cst('2025-10-01 08:00'))], { status: 'IN_TRANSIT' });
    const now = new Date(cst('2025-10-01 09:00'));
    const grade = { organisationId: CAR1, grade: 'BLACK' as const, validFrom: cst('2025-10-01 12:00'), validTo: null };
    assert.deepEqual(manifestNextCheck(m, [grade], P, now), new Date(new Date(grade.validFrom).getTime() + 1));
    assert.equal(manifestNextCheck({ ...m, status: 'COMPLETED' }, [grade], P, now), null);
    const checks = nextChecks({ manifests: [m], lots: [], creditGrades: [grade] }, P, now);
    assert.deepEqual([...checks.keys()], ['MANIFEST:M1']);
  });
});
