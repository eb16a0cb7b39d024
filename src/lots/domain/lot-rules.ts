import { BaseUnit, CLOSED_STATUSES, EventType, LotStatus } from '../../ledger/domain/ledger-types';
import { formatBaseUnits, sumAmounts, type BaseQuantity } from '../../ledger/domain/quantity';

/** Event types a custodian records through POST /v1/lots/{id}/events. */
export const LOT_EVENT_TYPES = [
  EventType.STORED,
  EventType.RETRIEVED,
  EventType.PACKAGED,
  EventType.RELABELLED,
  EventType.TREATED,
  EventType.DISPOSED,
  EventType.CORRECTED,
] as const;
export type LotEventType = (typeof LOT_EVENT_TYPES)[number];

export interface RuleProblem {
  code: string;
  message: string;
}

/** Operation codes (R = utilisation, D = disposal, C = collection/storage), e.g. R4, D10. */
export const OPERATION_CODE = /^[RDC][1-9]\d?$/;

/** Whether an event of `type` may follow in a lot whose status is `status`. */
export function appendProblem(
  status: LotStatus,
  type: LotEventType,
  options: { changesQuantity?: boolean } = {},
): RuleProblem | null {
  if (CLOSED_STATUSES.has(status)) {
    if (type === EventType.CORRECTED && !options.changesQuantity) return null;
    return {
      code: 'lot-closed',
      message: `the lot is ${status}: only corrections that do not change its quantity may be recorded`,
    };
  }
  if (status === LotStatus.IN_TRANSIT && type !== EventType.CORRECTED) {
    return { code: 'lot-in-transit', message: 'the lot is in transit under a manifest' };
  }
  switch (type) {
    case EventType.STORED:
      return status === LotStatus.STORED
        ? { code: 'already-stored', message: 'the lot is already stored: record RETRIEVED first' }
        : null;
    case EventType.RETRIEVED:
      return status === LotStatus.STORED ? null : { code: 'not-stored', message: 'the lot is not in storage' };
    case EventType.TREATED:
    case EventType.DISPOSED:
      return status === LotStatus.STORED
        ? { code: 'retrieve-first', message: 'the lot is in storage: record RETRIEVED before treating it' }
        : null;
    case EventType.PACKAGED:
    case EventType.RELABELLED:
    case EventType.CORRECTED:
      return null;
  }
}

/** The lot's status once an event of `type` is recorded. */
export function statusAfter(status: LotStatus, type: LotEventType): LotStatus {
  switch (type) {
    case EventType.STORED:
      return LotStatus.STORED;
    case EventType.RETRIEVED:
      return LotStatus.ACTIVE;
    case EventType.TREATED:
      return LotStatus.TREATED;
    case EventType.DISPOSED:
      return LotStatus.DISPOSED;
    case EventType.PACKAGED:
    case EventType.RELABELLED:
    case EventType.CORRECTED:
      return status;
  }
}

/** Lots that may be split or merged: open and not on a manifest. */
export function lineageStatusProblem(id: string, status: LotStatus): RuleProblem | null {
  if (CLOSED_STATUSES.has(status)) return { code: 'lot-closed', message: `lot ${id} is ${status}` };
  if (status === LotStatus.IN_TRANSIT) return { code: 'lot-in-transit', message: `lot ${id} is in transit` };
  return null;
}

const show = (q: BaseQuantity) => `${formatBaseUnits(q.amount, q.unit === BaseUnit.GRAM ? 'g' : 'pcs')} ${q.unit}`;

/** A split must divide the whole lot, in its own base unit, exactly. */
export function splitProblem(parent: BaseQuantity, parts: readonly BaseQuantity[]): RuleProblem | null {
  const foreign = parts.findIndex((p) => p.unit !== parent.unit);
  if (foreign >= 0) {
    return {
      code: 'unit-mismatch',
      message: `part ${foreign} is in ${parts[foreign].unit} but the lot is counted in ${parent.unit}`,
    };
  }
  const total = sumAmounts(parts.map((p) => p.amount));
  if (total !== parent.amount) {
    return {
      code: 'unbalanced-split',
      message: `the parts sum to ${show({ amount: total, unit: parent.unit })} but the lot holds ${show(parent)}`,
    };
  }
  return null;
}

export interface MergeCandidate {
  id: string;
  wasteCode: string;
  identificationRef: string | null;
  quantity: BaseQuantity;
  status: LotStatus;
}

/** Lots merge when they are open, of one waste code (and identification) and one base unit. */
export function mergeProblem(lots: readonly MergeCandidate[]): RuleProblem | null {
  for (const lot of lots) {
    const problem = lineageStatusProblem(lot.id, lot.status);
    if (problem) return problem;
  }
  const [first] = lots;
  for (const lot of lots) {
    if (lot.wasteCode !== first.wasteCode) {
      return {
        code: 'waste-code-mismatch',
        message: `lot ${lot.id} is ${lot.wasteCode} but lot ${first.id} is ${first.wasteCode}`,
      };
    }
    if (lot.identificationRef !== first.identificationRef) {
      return { code: 'identification-mismatch', message: `lots ${first.id} and ${lot.id} were identified differently` };
    }
    if (lot.quantity.unit !== first.quantity.unit) {
      return {
        code: 'unit-mismatch',
        message: `lot ${lot.id} is counted in ${lot.quantity.unit} but lot ${first.id} in ${first.quantity.unit}`,
      };
    }
  }
  return null;
}

/** The merged quantity is the exact sum; a stated quantity must equal it. */
export function mergedQuantity(
  lots: readonly MergeCandidate[],
  stated?: BaseQuantity,
): { quantity: BaseQuantity } | { problem: RuleProblem } {
  const quantity = { amount: sumAmounts(lots.map((l) => l.quantity.amount)), unit: lots[0].quantity.unit };
  if (stated && (stated.unit !== quantity.unit || stated.amount !== quantity.amount)) {
    return {
      problem: {
        code: 'unbalanced-merge',
        message: `the stated quantity ${show(stated)} is not the sum of the merged lots, ${show(quantity)}`,
      },
    };
  }
  return { quantity };
}
