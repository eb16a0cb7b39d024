/**
 * The transfer-manifest (转移联单) lifecycle as an exhaustive transition table. Pure: no I/O.
 *
 * DRAFT --submit--> SUBMITTED --pickup--> IN_TRANSIT --relay--> IN_TRANSIT --deliver--> DELIVERED
 * DELIVERED --receive--> RECEIVED | PARTIALLY_REJECTED | REJECTED
 * RECEIVED | PARTIALLY_REJECTED --complete--> COMPLETED;  DRAFT | SUBMITTED --cancel--> CANCELLED
 */
export const MANIFEST_STATUSES = [
  'DRAFT',
  'SUBMITTED',
  'IN_TRANSIT',
  'DELIVERED',
  'RECEIVED',
  'PARTIALLY_REJECTED',
  'REJECTED',
  'COMPLETED',
  'CANCELLED',
] as const;
export type ManifestStatus = (typeof MANIFEST_STATUSES)[number];

export const MANIFEST_ACTIONS = ['submit', 'pickup', 'relay', 'deliver', 'receive', 'complete', 'cancel'] as const;
export type ManifestAction = (typeof MANIFEST_ACTIONS)[number];

export type PartyRole = 'CONSIGNOR' | 'CARRIER' | 'CONSIGNEE';

/** Who may take each action, from which states. */
export const TRANSITIONS: { readonly [A in ManifestAction]: { from: readonly ManifestStatus[]; by: PartyRole } } = {
  submit: { from: ['DRAFT'], by: 'CONSIGNOR' },
  pickup: { from: ['SUBMITTED'], by: 'CARRIER' },
  relay: { from: ['IN_TRANSIT'], by: 'CARRIER' },
  deliver: { from: ['IN_TRANSIT'], by: 'CONSIGNEE' },
  receive: { from: ['DELIVERED'], by: 'CONSIGNEE' },
  complete: { from: ['RECEIVED', 'PARTIALLY_REJECTED'], by: 'CONSIGNEE' },
  cancel: { from: ['DRAFT', 'SUBMITTED'], by: 'CONSIGNOR' },
};

export const OPEN_STATUSES: readonly ManifestStatus[] = ['DRAFT', 'SUBMITTED', 'IN_TRANSIT', 'DELIVERED'];

export interface ManifestPosition {
  status: ManifestStatus;
  carrierCount: number;
  /** Index (0-based) of the carrier holding the waste; null before pickup. */
  currentCarrier: number | null;
}

/** The caller's place on the manifest: which parties it plays (an organisation may play several). */
export interface ActingParty {
  consignor: boolean;
  consignee: boolean;
  /** Carrier positions (0-based) the organisation holds on this manifest. */
  carrierIndexes: readonly number[];
}

export type LineDecision = 'ACCEPTED' | 'PARTIALLY_REJECTED' | 'REJECTED';

export type TransitionRefusal =
  | { kind: 'invalid-state'; status: ManifestStatus; allowedFrom: readonly ManifestStatus[] }
  | { kind: 'not-your-step'; expected: PartyRole; carrierIndex?: number }
  | { kind: 'carriers-pending'; currentCarrier: number | null; carrierCount: number }
  | { kind: 'no-next-carrier'; currentCarrier: number | null; carrierCount: number };

export type TransitionResult =
  { ok: true; to: ManifestStatus; currentCarrier: number | null } | { ok: false; refusal: TransitionRefusal };

/** Decides the outcome of `action` by `party` from `position` (and the line decisions for `receive`). */
export function transition(
  position: ManifestPosition,
  action: ManifestAction,
  party: ActingParty,
  decisions: readonly LineDecision[] = [],
): TransitionResult {
  const rule = TRANSITIONS[action];
  if (!rule.from.includes(position.status)) {
    return { ok: false, refusal: { kind: 'invalid-state', status: position.status, allowedFrom: rule.from } };
  }
  switch (action) {
    case 'submit':
    case 'cancel':
      return party.consignor
        ? { ok: true, to: action === 'submit' ? 'SUBMITTED' : 'CANCELLED', currentCarrier: null }
        : notYours('CONSIGNOR');
    case 'pickup':
      return party.carrierIndexes.includes(0)
        ? { ok: true, to: 'IN_TRANSIT', currentCarrier: 0 }
        : notYours('CARRIER', 0);
    case 'relay': {
      const next = (position.currentCarrier ?? -1) + 1;
      if (next >= position.carrierCount)
        return {
          ok: false,
          refusal: {
            kind: 'no-next-carrier',
            currentCarrier: position.currentCarrier,
            carrierCount: position.carrierCount,
          },
        };
      return party.carrierIndexes.includes(next)
        ? { ok: true, to: 'IN_TRANSIT', currentCarrier: next }
        : notYours('CARRIER', next);
    }
    case 'deliver':
      if (!party.consignee) return notYours('CONSIGNEE');
      if (position.currentCarrier !== position.carrierCount - 1) {
        return {
          ok: false,
          refusal: {
            kind: 'carriers-pending',
            currentCarrier: position.currentCarrier,
            carrierCount: position.carrierCount,
          },
        };
      }
      return { ok: true, to: 'DELIVERED', currentCarrier: position.currentCarrier };
    case 'receive':
      if (!party.consignee) return notYours('CONSIGNEE');
      return { ok: true, to: receptionOutcome(decisions), currentCarrier: position.currentCarrier };
    case 'complete':
      return party.consignee
        ? { ok: true, to: 'COMPLETED', currentCarrier: position.currentCarrier }
        : notYours('CONSIGNEE');
  }
}

/** All lines accepted → RECEIVED; all rejected → REJECTED; anything in between → PARTIALLY_REJECTED. */
export function receptionOutcome(decisions: readonly LineDecision[]): ManifestStatus {
  if (decisions.length > 0 && decisions.every((d) => d === 'ACCEPTED')) return 'RECEIVED';
  if (decisions.length > 0 && decisions.every((d) => d === 'REJECTED')) return 'REJECTED';
  return 'PARTIALLY_REJECTED';
}

function notYours(expected: PartyRole, carrierIndex?: number): TransitionResult {
  return {
    ok: false,
    refusal: { kind: 'not-your-step', expected, ...(carrierIndex === undefined ? {} : { carrierIndex }) },
  };
}
