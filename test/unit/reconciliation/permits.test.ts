import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PermitCheckFact } from '../../../src/reconciliation/domain/facts';
import { permitCapacity, permitScope, unlicensedParty } from '../../../src/reconciliation/domain/rules/permits';
import { CAR1, GEN, TRT, cst, manifest, profile } from './builders';

const check = (extra: Partial<PermitCheckFact> = {}): PermitCheckFact => ({
  manifestId: 'm-1',
  organisationId: TRT,
  partyRole: 'CONSIGNEE',
  step: 'SUBMIT',
  checkedAt: cst('2025-09-01 08:00'),
  wasteCode: '900-249-08',
  outcome: 'OK',
  permitId: 'permit-1',
  ...extra,
});

describe('UNLICENSED_PARTY and PERMIT_SCOPE', () => {
  it('an OK check raises nothing', () => {
    assert.deepEqual(unlicensedParty({ permitChecks: [check()] }, profile), []);
    assert.deepEqual(permitScope({ permitChecks: [check()] }, profile), []);
  });
  it('one finding per manifest, party and code, listing every failing step', () => {
    const checks = [
      check({ outcome: 'PERMIT_NOT_ACTIVE', step: 'PICKUP', checkedAt: cst('2025-09-02 08:00') }),
      check({ outcome: 'NO_PERMIT' }),
      check({ outcome: 'OK', step: 'RECEIVE', checkedAt: cst('2025-09-03 08:00') }),
    ];
    const [f, ...rest] = unlicensedParty({ permitChecks: checks, manifests: [manifest('m-1', [])] }, profile);
    assert.equal(rest.length, 0);
    assert.equal(f.dedupeKey, 'UNLICENSED_PARTY:MANIFEST:m-1:org-trt:900-249-08');
    assert.equal(f.severity, 'CRITICAL');
    assert.equal(f.action, 'BLOCK');
    assert.deepEqual(f.organisationIds, [GEN, TRT].sort());
    assert.deepEqual(f.evidence.outcomes, ['NO_PERMIT', 'PERMIT_NOT_ACTIVE']);
    assert.deepEqual(
      (f.evidence.checks as { step: string }[]).map((c) => c.step),
      ['SUBMIT', 'PICKUP'],
    );
  });
  it('out of scope (两高解释 Art 19) is its own rule; a manifest-wide check keys on *', () => {
    const [f] = permitScope(
      {
        permitChecks: [
          check({ outcome: 'CODE_NOT_COVERED', organisationId: CAR1, partyRole: 'CARRIER', wasteCode: null }),
        ],
      },
      profile,
    );
    assert.equal(f.dedupeKey, 'PERMIT_SCOPE:MANIFEST:m-1:org-car1:*');
    assert.equal(f.severity, 'CRITICAL');
    assert.deepEqual(unlicensedParty({ permitChecks: [check({ outcome: 'CODE_NOT_COVERED' })] }, profile), []);
  });
});

describe('PERMIT_CAPACITY (许可证办法 Art 12, rules.md §8 #17)', () => {
  const capacity = 1_000_000_000; // 1 000 t
  const at = (ytd: number, extra: Partial<PermitCheckFact> = {}) =>
    permitCapacity(
      { permitChecks: [check({ annualCapacityGrams: capacity, yearToDateGrams: ytd, ...extra })] },
      profile,
    );

  it('below 90 % nothing; at 90 % a warning', () => {
    assert.deepEqual(at(899_999_999), []);
    const [f] = at(900_000_000);
    assert.equal(f.severity, 'WARNING');
    assert.equal(f.dedupeKey, 'PERMIT_CAPACITY:ORGANISATION:org-trt:permit-1:2025');
  });
  it('exactly 100 % is still a warning; above it, flagged', () => {
    assert.equal(at(1_000_000_000)[0].severity, 'WARNING');
    assert.equal(at(1_000_000_001)[0].severity, 'HIGH');
  });
  it('exactly 120 % is flagged; above it, escalated', () => {
    assert.equal(at(1_200_000_000)[0].severity, 'HIGH');
    const [f] = at(1_200_000_001);
    assert.equal(f.severity, 'CRITICAL');
    assert.equal(f.evidence.utilisationPercent, 120);
  });
  it('the highest reading of the year wins; each China year is its own flag', () => {
    const findings = permitCapacity(
      {
        permitChecks: [
          check({ annualCapacityGrams: capacity, yearToDateGrams: 1_100_000_000, step: 'RECEIVE' }),
          check({ annualCapacityGrams: capacity, yearToDateGrams: 950_000_000, step: 'SUBMIT' }),
          check({ annualCapacityGrams: capacity, yearToDateGrams: 950_000_000, checkedAt: '2025-12-31T16:30:00Z' }),
        ],
      },
      profile,
    );
    assert.deepEqual(
      findings.map((f) => [f.dedupeKey, f.severity]),
      [
        ['PERMIT_CAPACITY:ORGANISATION:org-trt:permit-1:2025', 'HIGH'],
        ['PERMIT_CAPACITY:ORGANISATION:org-trt:permit-1:2026', 'WARNING'],
      ],
    );
  });
  it('no licensed scale, nothing to judge', () => {
    assert.deepEqual(at(5, { annualCapacityGrams: null }), []);
  });
});
