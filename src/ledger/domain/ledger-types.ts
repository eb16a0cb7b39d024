/**
 * The vocabulary of the custody ledger, shared by the append engine, the lots feature and
 * (later) manifests. Plain TypeScript: no Nest, no TypeORM.
 */

/** What happened to a lot. Persisted (PostgreSQL enum `custody_event_type`): never rename a value. */
export enum EventType {
  /** Genesis of a lot registered by the organisation that generated or collected the waste. */
  GENERATED = 'GENERATED',
  /** Put into a storage location (HJ 1259 入库). */
  STORED = 'STORED',
  /** Taken out of storage (HJ 1259 出库). */
  RETRIEVED = 'RETRIEVED',
  PACKAGED = 'PACKAGED',
  RELABELLED = 'RELABELLED',
  /** In-house treatment or utilisation, with its operation code and result. */
  TREATED = 'TREATED',
  /** Final disposal; closes the lot. */
  DISPOSED = 'DISPOSED',
  /** The lot was divided into new lots; closes it. */
  SPLIT = 'SPLIT',
  /** The lot went into a new, merged lot; closes it. */
  MERGED = 'MERGED',
  /** Genesis of a lot created by a split; references the parent's SPLIT event. */
  SPLIT_FROM = 'SPLIT_FROM',
  /** Genesis of a lot created by a merge; references every parent's MERGED event. */
  MERGED_FROM = 'MERGED_FROM',
  /** Fixes an earlier event of the same lot, which stays as it was. */
  CORRECTED = 'CORRECTED',
  /** Reserved for manifests (two-party handover): appended through LedgerWriter, not the lots API. */
  HANDED_OVER = 'HANDED_OVER',
  RECEIVED = 'RECEIVED',
  REJECTED = 'REJECTED',
  RETURNED = 'RETURNED',
  /** The consignee's inspection at reception: weighed quantity, waste code found, accept/reject decision. */
  INSPECTED = 'INSPECTED',
}

/** Event types that start a chain (seq 1). */
export const GENESIS_TYPES: ReadonlySet<EventType> = new Set([
  EventType.GENERATED,
  EventType.SPLIT_FROM,
  EventType.MERGED_FROM,
]);

/** Event types the manifests feature appends; the lots API refuses them. */
export const MANIFEST_EVENT_TYPES: ReadonlySet<EventType> = new Set([
  EventType.HANDED_OVER,
  EventType.RECEIVED,
  EventType.REJECTED,
  EventType.RETURNED,
  EventType.INSPECTED,
]);

/** Where a lot stands. Persisted (PostgreSQL enum `lot_status`). */
export enum LotStatus {
  /** Held by its custodian, not in a storage location. */
  ACTIVE = 'ACTIVE',
  STORED = 'STORED',
  /** Treated in house; may still be stored, handed over or disposed. */
  TREATED = 'TREATED',
  /** Reserved for manifests: handed over and not yet received. */
  IN_TRANSIT = 'IN_TRANSIT',
  DISPOSED = 'DISPOSED',
  SPLIT = 'SPLIT',
  MERGED = 'MERGED',
}

/** A closed lot accepts only CORRECTED events. */
export const CLOSED_STATUSES: ReadonlySet<LotStatus> = new Set([LotStatus.DISPOSED, LotStatus.SPLIT, LotStatus.MERGED]);

/** Quantities are integers in a base unit: grams, or pieces for containers counted one by one. */
export enum BaseUnit {
  GRAM = 'g',
  PIECE = 'pcs',
}

export enum QuantityMethod {
  WEIGHED = 'WEIGHED',
  ESTIMATED = 'ESTIMATED',
}

/** Why an organisation is a party to a lot. Persisted enum `lot_party_role`. */
export enum LotPartyRole {
  GENERATOR = 'GENERATOR',
  CUSTODIAN = 'CUSTODIAN',
  /** Named on a manifest carrying the lot (consignor, carrier, consignee). */
  MANIFEST = 'MANIFEST',
}
