/**
 * Licence lifecycle (《危险废物经营许可证管理办法》: 暂扣 suspension, 吊销 revocation, 注销
 * cancellation; expiry by date). Only ACTIVE, SUSPENDED, REVOKED and CANCELLED are stored;
 * EXPIRED is derived: a permit that is ACTIVE or SUSPENDED after its valid_to date.
 */
export enum PermitStatus {
  ACTIVE = 'ACTIVE',
  SUSPENDED = 'SUSPENDED',
  REVOKED = 'REVOKED',
  CANCELLED = 'CANCELLED',
}

/** A stored status, or EXPIRED (derived from the date). */
export enum PermitState {
  ACTIVE = 'ACTIVE',
  SUSPENDED = 'SUSPENDED',
  REVOKED = 'REVOKED',
  CANCELLED = 'CANCELLED',
  EXPIRED = 'EXPIRED',
}

export enum PermitAction {
  /** The permit is recorded (history only: no prior state). */
  ISSUE = 'ISSUE',
  SUSPEND = 'SUSPEND',
  REINSTATE = 'REINSTATE',
  REVOKE = 'REVOKE',
  CANCEL = 'CANCEL',
}

export interface PermitTransition {
  from: PermitState;
  action: Exclude<PermitAction, PermitAction.ISSUE>;
  to: PermitStatus;
}

/** The state a permit is in on `today` (YYYY-MM-DD, China time); valid_to is inclusive. */
export function effectiveState(status: PermitStatus, validTo: string, today: string): PermitState {
  if ((status === PermitStatus.ACTIVE || status === PermitStatus.SUSPENDED) && today > validTo) {
    return PermitState.EXPIRED;
  }
  return status as unknown as PermitState;
}

/** The transition table. Anything not listed is illegal. */
export class PermitLifecycle {
  static readonly TRANSITIONS: readonly PermitTransition[] = [
    { from: PermitState.ACTIVE, action: PermitAction.SUSPEND, to: PermitStatus.SUSPENDED },
    { from: PermitState.SUSPENDED, action: PermitAction.REINSTATE, to: PermitStatus.ACTIVE },
    { from: PermitState.ACTIVE, action: PermitAction.REVOKE, to: PermitStatus.REVOKED },
    { from: PermitState.SUSPENDED, action: PermitAction.REVOKE, to: PermitStatus.REVOKED },
    { from: PermitState.ACTIVE, action: PermitAction.CANCEL, to: PermitStatus.CANCELLED },
    { from: PermitState.SUSPENDED, action: PermitAction.CANCEL, to: PermitStatus.CANCELLED },
    // 注销 of a licence that lapsed without renewal closes its record.
    { from: PermitState.EXPIRED, action: PermitAction.CANCEL, to: PermitStatus.CANCELLED },
  ];

  /** The status after `action` from `from`, or null when the transition is illegal. */
  static next(from: PermitState, action: PermitTransition['action']): PermitStatus | null {
    return PermitLifecycle.TRANSITIONS.find((t) => t.from === from && t.action === action)?.to ?? null;
  }

  static allowedActions(from: PermitState): PermitTransition['action'][] {
    return PermitLifecycle.TRANSITIONS.filter((t) => t.from === from).map((t) => t.action);
  }
}
