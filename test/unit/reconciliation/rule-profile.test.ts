import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  CN_DEFAULT_PROFILE,
  RULE_IDS,
  profileOn,
  validateProfile,
  withRule,
  type RuleProfile,
} from '../../../src/reconciliation/domain/rule-profile';

describe('CN default profile', () => {
  it('is valid, complete and immutable', () => {
    assert.deepEqual(validateProfile(CN_DEFAULT_PROFILE), []);
    assert.deepEqual(Object.keys(CN_DEFAULT_PROFILE.rules).sort(), [...RULE_IDS].sort());
    assert.ok(Object.isFrozen(CN_DEFAULT_PROFILE.rules.STORAGE_LIMIT_EXCEEDED.thresholds));
    assert.throws(() => {
      (CN_DEFAULT_PROFILE.rules.RECEIPT_CONFIRMATION_OVERDUE.thresholds as { workingDays: number }).workingDays = 9;
    });
  });
  it('carries the legal thresholds', () => {
    const r = CN_DEFAULT_PROFILE.rules;
    assert.equal(r.RECEIPT_CONFIRMATION_OVERDUE.thresholds.workingDays, 5); // 转移办法 Art 18
    assert.equal(r.STORAGE_LIMIT_EXCEEDED.thresholds.medicalAtProducerHours, 48); // 条例 Art 17
    assert.equal(r.STORAGE_LIMIT_EXCEEDED.thresholds.medicalAtProducerWarnAfterHours, 36); // §8 #33
    assert.equal(r.STORAGE_LIMIT_EXCEEDED.thresholds.operatorDays, 365); // 固废法 Art 81
    assert.equal(r.STORAGE_LIMIT_EXCEEDED.thresholds.operatorWarnAfterDays, 300); // §8 #21
    assert.equal(r.STORAGE_LIMIT_EXCEEDED.thresholds.collectionLicenceWorkingDays, 90); // 许可证办法 Art 20
    assert.equal(r.MEDICAL_COLLECTION_INTERVAL.thresholds.intervalHours, 48); // 鲁 办法 Art 10
    assert.equal(r.MEDICAL_COLLECTION_INTERVAL.thresholds.epidemicIntervalHours, 24);
    assert.equal(r.TREATMENT_OVERDUE.thresholds.medicalEpidemicHours, 12); // 鲁 办法 Art 13
    assert.equal(r.QUANTITY_DISCREPANCY.thresholds.weightToleranceBasisPoints, 500); // §8 #8
    assert.equal(r.QUANTITY_DISCREPANCY.thresholds.containerCountTolerance, 0);
    assert.equal(r.PERMIT_CAPACITY.thresholds.escalateAbovePercent, 120); // 许可证办法 Art 12
    assert.equal(r.CUMULATIVE_LOSS.thresholds.escalateAtGrams, 3_000_000); // 两高解释 2023 Art 1
    assert.equal(r.UNLICENSED_PARTY.action, 'BLOCK');
    assert.equal(r.PERMIT_SCOPE.action, 'BLOCK');
  });
});

describe('profileOn', () => {
  const later: RuleProfile = { ...CN_DEFAULT_PROFILE, id: 'cn-2026', effectiveFrom: '2026-01-01' };
  const closed: RuleProfile = {
    ...CN_DEFAULT_PROFILE,
    id: 'cn-old',
    effectiveFrom: '2020-01-01',
    effectiveTo: '2022-01-01',
  };
  const profiles = [closed, CN_DEFAULT_PROFILE, later];

  it('picks the profile in force on the China date, the latest start winning', () => {
    assert.equal(profileOn(profiles, '2021-12-31')?.id, 'cn-old');
    assert.equal(profileOn(profiles, '2022-01-01')?.id, 'cn-default-2022', 'effectiveTo is exclusive');
    assert.equal(profileOn(profiles, '2025-10-01')?.id, 'cn-default-2022');
    assert.equal(profileOn(profiles, new Date('2025-12-31T15:59:59Z'))?.id, 'cn-default-2022');
    assert.equal(profileOn(profiles, new Date('2025-12-31T16:00:00Z'))?.id, 'cn-2026', '00:00 China time');
  });
  it('none before the first, none for another regime', () => {
    assert.equal(profileOn(profiles, '2019-06-01'), undefined);
    assert.equal(profileOn(profiles, '2025-06-01', 'EU'), undefined);
  });
  it('refuses two profiles starting the same day', () => {
    assert.throws(() => profileOn([CN_DEFAULT_PROFILE, { ...CN_DEFAULT_PROFILE, id: 'twin' }], '2025-01-01'), /twin/);
  });
});

describe('withRule and validateProfile', () => {
  it('patches one rule without touching the original', () => {
    const p = withRule(CN_DEFAULT_PROFILE, 'QUANTITY_DISCREPANCY', {
      thresholds: { weightToleranceBasisPoints: 1000 },
    });
    assert.equal(p.rules.QUANTITY_DISCREPANCY.thresholds.weightToleranceBasisPoints, 1000);
    assert.equal(p.rules.QUANTITY_DISCREPANCY.thresholds.containerCountTolerance, 0);
    assert.equal(CN_DEFAULT_PROFILE.rules.QUANTITY_DISCREPANCY.thresholds.weightToleranceBasisPoints, 500);
  });
  it('reports every problem', () => {
    const bad = withRule(
      withRule(CN_DEFAULT_PROFILE, 'RECEIPT_CONFIRMATION_OVERDUE', { thresholds: { workingDays: 2.5 } }),
      'CLOCK_ANOMALY',
      { action: 'IGNORE' as never, thresholds: { futureSkewSeconds: -1 } },
    );
    const rest: Partial<RuleProfile['rules']> = { ...bad.rules };
    delete rest.CUSTODY_BREAK;
    const errors = validateProfile({ ...bad, effectiveTo: '2021-01-01', rules: rest as RuleProfile['rules'] });
    assert.deepEqual(errors.sort(), [
      'effectiveTo must be after effectiveFrom',
      'rules.CLOCK_ANOMALY.action must be one of BLOCK, FLAG, REPORT',
      'rules.CLOCK_ANOMALY.thresholds.futureSkewSeconds must be a number ≥ 0',
      'rules.CUSTODY_BREAK is missing',
      'rules.RECEIPT_CONFIRMATION_OVERDUE.thresholds.workingDays must be a whole number of working days',
    ]);
  });
});
