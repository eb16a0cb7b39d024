import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  effectiveState,
  PermitAction,
  PermitLifecycle,
  PermitState,
  PermitStatus,
} from '../../src/permits/domain/permit-lifecycle';

const ACTIONS = [PermitAction.SUSPEND, PermitAction.REINSTATE, PermitAction.REVOKE, PermitAction.CANCEL] as const;

describe('permit lifecycle', () => {
  it('the full transition table: exactly these are legal, everything else is refused', () => {
    const expected: Record<PermitState, Partial<Record<(typeof ACTIONS)[number], PermitStatus>>> = {
      ACTIVE: { SUSPEND: PermitStatus.SUSPENDED, REVOKE: PermitStatus.REVOKED, CANCEL: PermitStatus.CANCELLED },
      SUSPENDED: { REINSTATE: PermitStatus.ACTIVE, REVOKE: PermitStatus.REVOKED, CANCEL: PermitStatus.CANCELLED },
      EXPIRED: { CANCEL: PermitStatus.CANCELLED },
      REVOKED: {},
      CANCELLED: {},
    };
    for (const state of Object.values(PermitState)) {
      for (const action of ACTIONS) {
        assert.equal(PermitLifecycle.next(state, action), expected[state][action] ?? null, `${state} --${action}-->`);
      }
    }
  });

  it('lists the actions allowed from a state', () => {
    assert.deepEqual(PermitLifecycle.allowedActions(PermitState.SUSPENDED), [
      PermitAction.REINSTATE,
      PermitAction.REVOKE,
      PermitAction.CANCEL,
    ]);
    assert.deepEqual(PermitLifecycle.allowedActions(PermitState.REVOKED), []);
  });

  describe('EXPIRED is derived from valid_to (inclusive)', () => {
    it('ACTIVE on its last day, EXPIRED the day after', () => {
      assert.equal(effectiveState(PermitStatus.ACTIVE, '2026-06-30', '2026-06-30'), PermitState.ACTIVE);
      assert.equal(effectiveState(PermitStatus.ACTIVE, '2026-06-30', '2026-07-01'), PermitState.EXPIRED);
    });
    it('a suspended permit past its end is EXPIRED', () => {
      assert.equal(effectiveState(PermitStatus.SUSPENDED, '2026-06-30', '2027-01-01'), PermitState.EXPIRED);
    });
    it('revoked and cancelled stay what they are', () => {
      assert.equal(effectiveState(PermitStatus.REVOKED, '2020-01-01', '2026-01-01'), PermitState.REVOKED);
      assert.equal(effectiveState(PermitStatus.CANCELLED, '2020-01-01', '2026-01-01'), PermitState.CANCELLED);
    });
  });
});
