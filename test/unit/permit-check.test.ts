import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OperationMode } from '../../src/catalogue/domain/operation';
import { CreditGrade, gradeInForce } from '../../src/credit-grades/domain/credit-grade';
import {
  decidePermit,
  PermitRule,
  type PermitCheckRequest,
  type PermitFacts,
} from '../../src/permits/domain/permit-check';
import { PermitStatus } from '../../src/permits/domain/permit-lifecycle';
import { CN_PERMIT_RULES, PermitKind } from '../../src/permits/domain/permit-rules';

const T = 1_000_000n; // grams per tonne

const licence = (over: Partial<PermitFacts> = {}): PermitFacts => ({
  id: 'p-1',
  number: '鲁危证01号',
  kind: PermitKind.HW_OPERATING_COMPREHENSIVE,
  status: PermitStatus.ACTIVE,
  operationModes: [OperationMode.STORAGE, OperationMode.DISPOSAL],
  wasteCodes: ['900-052-31'],
  wasteCategories: ['HW08'],
  annualCapacityGrams: 1000n * T,
  validFrom: '2026-01-01',
  validTo: '2030-12-31',
  usedGrams: 0n,
  ...over,
});

const request = (over: Partial<PermitCheckRequest> = {}): PermitCheckRequest => ({
  wasteCode: '900-214-08',
  operation: OperationMode.DISPOSAL,
  date: '2026-06-01',
  quantityGrams: 10n * T,
  ...over,
});

const decide = (permits: PermitFacts[], req = request(), grade: CreditGrade | null = null, profile = CN_PERMIT_RULES) =>
  decidePermit(permits, grade, req, profile);
const rules = (findings: Array<{ rule: PermitRule }>) => findings.map((f) => f.rule);

describe('permit check decision', () => {
  it('allowed under a permit listing the whole category, naming that permit', () => {
    const d = decide([licence()]);
    assert.equal(d.allowed, true);
    assert.equal(d.permitId, 'p-1');
    assert.equal(d.permitNumber, '鲁危证01号');
    assert.deepEqual(d.refusals, []);
    assert.deepEqual(d.warnings, []);
  });
  it('allowed under a permit listing the code itself', () => {
    assert.equal(decide([licence()], request({ wasteCode: '900-052-31' })).allowed, true);
  });

  describe('NOT_LICENSED', () => {
    it('no permit at all', () => {
      const d = decide([]);
      assert.equal(d.allowed, false);
      assert.deepEqual(rules(d.refusals), [PermitRule.NOT_LICENSED]);
      assert.equal(d.refusals[0].permitId, null);
    });
    it('only a transport permit, for a disposal', () => {
      const transport = licence({
        kind: PermitKind.ROAD_DANGEROUS_GOODS_TRANSPORT,
        operationModes: [OperationMode.TRANSPORT],
      });
      assert.deepEqual(rules(decide([transport]).refusals), [PermitRule.NOT_LICENSED]);
    });
    it('only an HW licence, for a transport', () => {
      assert.deepEqual(rules(decide([licence()], request({ operation: OperationMode.TRANSPORT })).refusals), [
        PermitRule.NOT_LICENSED,
      ]);
    });
    it('a transport permit covers the transport', () => {
      const transport = licence({
        kind: PermitKind.ROAD_DANGEROUS_GOODS_TRANSPORT,
        operationModes: [OperationMode.TRANSPORT],
        annualCapacityGrams: null,
      });
      assert.equal(decide([transport], request({ operation: OperationMode.TRANSPORT })).allowed, true);
    });
  });

  it('CODE_OUT_OF_SCOPE: neither the code nor its category is listed', () => {
    const d = decide([licence()], request({ wasteCode: '900-041-49' }));
    assert.equal(d.allowed, false);
    assert.deepEqual(rules(d.refusals), [PermitRule.CODE_OUT_OF_SCOPE]);
    assert.match(d.refusals[0].message, /900-041-49 \(HW49\)/);
  });
  it('CODE_OUT_OF_SCOPE for an identified code whose category is not listed; allowed when it is', () => {
    assert.deepEqual(rules(decide([licence()], request({ wasteCode: '900-000-49' })).refusals), [
      PermitRule.CODE_OUT_OF_SCOPE,
    ]);
    assert.equal(decide([licence()], request({ wasteCode: '900-000-08' })).allowed, true);
  });
  it('OPERATION_NOT_COVERED: a storage-and-disposal licence cannot utilise', () => {
    const d = decide([licence()], request({ operation: OperationMode.UTILISATION }));
    assert.deepEqual(rules(d.refusals), [PermitRule.OPERATION_NOT_COVERED]);
  });
  it('PERMIT_REVOKED, PERMIT_CANCELLED, PERMIT_SUSPENDED', () => {
    assert.deepEqual(rules(decide([licence({ status: PermitStatus.REVOKED })]).refusals), [PermitRule.PERMIT_REVOKED]);
    assert.deepEqual(rules(decide([licence({ status: PermitStatus.CANCELLED })]).refusals), [
      PermitRule.PERMIT_CANCELLED,
    ]);
    assert.deepEqual(rules(decide([licence({ status: PermitStatus.SUSPENDED })]).refusals), [
      PermitRule.PERMIT_SUSPENDED,
    ]);
  });

  describe('validity window, both ends inclusive', () => {
    const p = licence({ validFrom: '2026-03-01', validTo: '2026-09-30' });
    it('the day before valid_from: PERMIT_NOT_YET_VALID', () => {
      const d = decide([p], request({ date: '2026-02-28' }));
      assert.deepEqual(rules(d.refusals), [PermitRule.PERMIT_NOT_YET_VALID]);
      assert.equal(d.refusals[0].details?.validFrom, '2026-03-01');
    });
    it('valid_from itself: allowed', () => {
      assert.equal(decide([p], request({ date: '2026-03-01' })).allowed, true);
    });
    it('valid_to itself: allowed', () => {
      assert.equal(decide([p], request({ date: '2026-09-30' })).allowed, true);
    });
    it('the day after valid_to: PERMIT_EXPIRED', () => {
      assert.deepEqual(rules(decide([p], request({ date: '2026-10-01' })).refusals), [PermitRule.PERMIT_EXPIRED]);
    });
    it('a suspended permit past its end reports both', () => {
      const d = decide([{ ...p, status: PermitStatus.SUSPENDED }], request({ date: '2026-10-01' }));
      assert.deepEqual(rules(d.refusals), [PermitRule.PERMIT_EXPIRED, PermitRule.PERMIT_SUSPENDED]);
    });
  });

  describe('annual capacity (1000 t, calendar year)', () => {
    it('below 100%: allowed, no warning', () => {
      const d = decide([licence({ usedGrams: 989n * T })], request({ quantityGrams: 10n * T + (T - 1n) }));
      assert.equal(d.allowed, true);
      assert.deepEqual(d.warnings, []);
    });
    it('exactly 100%: allowed with a CAPACITY warning', () => {
      const d = decide([licence({ usedGrams: 990n * T })], request({ quantityGrams: 10n * T }));
      assert.equal(d.allowed, true);
      assert.deepEqual(rules(d.warnings), [PermitRule.CAPACITY]);
      assert.equal(d.warnings[0].details?.projectedPercent, '100.00');
      assert.equal(d.warnings[0].details?.usedGrams, (990n * T).toString());
    });
    it('exactly 120%: still allowed, with the warning', () => {
      const d = decide([licence({ usedGrams: 1190n * T })], request({ quantityGrams: 10n * T }));
      assert.equal(d.allowed, true);
      assert.equal(d.warnings[0].details?.projectedPercent, '120.00');
    });
    it('one gram above 120%: refused by CAPACITY', () => {
      const d = decide([licence({ usedGrams: 1190n * T })], request({ quantityGrams: 10n * T + 1n }));
      assert.equal(d.allowed, false);
      assert.deepEqual(rules(d.refusals), [PermitRule.CAPACITY]);
      assert.equal(d.refusals[0].details?.projectedGrams, (1200n * T + 1n).toString());
    });
    it('already above 120% refuses even a zero quantity', () => {
      assert.deepEqual(rules(decide([licence({ usedGrams: 1300n * T })], request({ quantityGrams: 0n })).refusals), [
        PermitRule.CAPACITY,
      ]);
    });
    it('capacity is not held against a permit that fails for another reason', () => {
      const d = decide([licence({ usedGrams: 5000n * T, status: PermitStatus.SUSPENDED })]);
      assert.deepEqual(rules(d.refusals), [PermitRule.PERMIT_SUSPENDED]);
    });
    it('a permit without a stated capacity has no capacity rule', () => {
      assert.equal(decide([licence({ annualCapacityGrams: null, usedGrams: 10n ** 15n })]).allowed, true);
    });
  });

  describe('BLACKLISTED', () => {
    it('a BLACK grade warns on an allowed check', () => {
      const d = decide([licence()], request(), CreditGrade.BLACK);
      assert.equal(d.allowed, true);
      assert.deepEqual(rules(d.warnings), [PermitRule.BLACKLISTED]);
    });
    it('and still warns when refused', () => {
      const d = decide([], request(), CreditGrade.BLACK);
      assert.deepEqual(rules(d.refusals), [PermitRule.NOT_LICENSED]);
      assert.deepEqual(rules(d.warnings), [PermitRule.BLACKLISTED]);
    });
    it('other grades say nothing', () => {
      for (const g of [CreditGrade.GREEN, CreditGrade.BLUE, CreditGrade.YELLOW]) {
        assert.deepEqual(decide([licence()], request(), g).warnings, []);
      }
    });
    it('a profile may make the blacklist refuse', () => {
      const d = decide([licence()], request(), CreditGrade.BLACK, { ...CN_PERMIT_RULES, blacklist: 'REFUSE' });
      assert.equal(d.allowed, false);
      assert.deepEqual(rules(d.refusals), [PermitRule.BLACKLISTED]);
    });
  });

  describe('several permits', () => {
    it('reports the permit that came closest: a suspended licence covering the code beats an active one that does not', () => {
      const outOfScope = licence({ id: 'a', wasteCodes: [], wasteCategories: ['HW31'] });
      const suspended = licence({ id: 'b', status: PermitStatus.SUSPENDED });
      const d = decide([outOfScope, suspended]);
      assert.deepEqual(rules(d.refusals), [PermitRule.PERMIT_SUSPENDED]);
      assert.equal(d.refusals[0].permitId, 'b');
    });
    it('allowed when any permit passes, whatever the others say', () => {
      const d = decide([licence({ id: 'a', status: PermitStatus.REVOKED }), licence({ id: 'b' })]);
      assert.equal(d.allowed, true);
      assert.equal(d.permitId, 'b');
    });
    it('prefers the permit with the most capacity left', () => {
      const d = decide([licence({ id: 'a', usedGrams: 995n * T }), licence({ id: 'b', usedGrams: 10n * T })]);
      assert.equal(d.permitId, 'b');
      assert.deepEqual(d.warnings, []);
    });
    it('lists the refusals of every permit tied at the same point', () => {
      const d = decide([
        licence({ id: 'a', status: PermitStatus.REVOKED }),
        licence({ id: 'b', status: PermitStatus.CANCELLED }),
      ]);
      assert.deepEqual(rules(d.refusals), [PermitRule.PERMIT_REVOKED, PermitRule.PERMIT_CANCELLED]);
    });
  });
});

describe('credit grade in force', () => {
  const at = (iso: string) => new Date(iso);
  const grades = [
    {
      id: 'g1',
      grade: CreditGrade.GREEN,
      validFrom: '2025-01-01',
      validTo: null,
      recordedAt: at('2025-01-02T00:00:00Z'),
    },
    {
      id: 'g2',
      grade: CreditGrade.BLACK,
      validFrom: '2026-03-01',
      validTo: '2026-12-31',
      recordedAt: at('2026-03-01T00:00:00Z'),
    },
  ];
  it('the latest recorded grade whose validity covers the date (inclusive)', () => {
    assert.equal(gradeInForce(grades, '2026-02-28')?.id, 'g1');
    assert.equal(gradeInForce(grades, '2026-03-01')?.id, 'g2');
    assert.equal(gradeInForce(grades, '2026-12-31')?.id, 'g2');
    assert.equal(gradeInForce(grades, '2027-01-01')?.id, 'g1');
    assert.equal(gradeInForce(grades, '2024-12-31'), null);
  });
});
