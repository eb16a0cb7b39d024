/**
 * Facts: the input of the reconciliation rules. Flat, serialisable records that set-based SQL
 * can fill (one row per lot, event, manifest step, line, …, grouped by their parent id), with
 * no behaviour and no ORM types.
 *
 * Conventions
 * - Times are `Instant`s: a Date (what node-postgres returns for timestamptz) or an ISO 8601
 *   string with an offset (what JSON gives back). Strings without an offset are refused, so a
 *   host's time zone never changes a result.
 * - Quantities are integer grams (or pieces for containers). Convert node-postgres bigint strings
 *   with Number(): exact up to 2^53 g (9 billion tonnes).
 * - A batch must hold *all* the facts of every subject it names (a lot with all its events, a
 *   manifest with all its steps and lines, …): rules judge a subject from what they are given,
 *   and an absent key clears a flag (see evaluate.ts).
 */

/** A Date, or an ISO 8601 string with a `Z` or `±hh:mm` offset. */
export type Instant = Date | string;

const ZONED = /(Z|[+-]\d{2}:?\d{2})$/i;

/** Milliseconds since the epoch; throws on an invalid instant or a string without an offset. */
export function toMs(t: Instant): number {
  if (typeof t === 'string') {
    if (!ZONED.test(t.trim())) throw new Error(`instant without a time-zone offset: ${t}`);
    const ms = Date.parse(t);
    if (!Number.isFinite(ms)) throw new Error(`invalid instant: ${t}`);
    return ms;
  }
  const ms = t.getTime();
  if (!Number.isFinite(ms)) throw new Error('invalid Date');
  return ms;
}

/** ISO 8601 UTC with milliseconds, as evidence and the API show times. */
export function isoOf(t: Instant | number): string {
  return new Date(typeof t === 'number' ? t : toMs(t)).toISOString();
}

export type OrganisationRole = 'GENERATOR' | 'TRANSPORTER' | 'COLLECTOR' | 'STORER' | 'TREATER' | 'REGULATOR';

/** Licence type under 许可证办法 Art 3: comprehensive, or collection-only (90 working days to move on). */
export type LicenceType = 'COMPREHENSIVE' | 'COLLECTION';

export interface OrganisationFacts {
  id: string;
  roles: OrganisationRole[];
  /** The type of its hazardous-waste operating licence, if it holds one. */
  licenceType?: LicenceType | null;
}

/**
 * Ledger event types. Their meaning for custody (who may record them, whether custody moves) is
 * the table EVENT_CUSTODY_ROLE in custody.ts.
 */
export type CustodyEventType =
  | 'GENERATED'
  | 'STORED'
  | 'RETRIEVED'
  | 'PACKAGED'
  | 'RELABELLED'
  | 'HANDED_OVER'
  | 'RECEIVED'
  | 'REJECTED'
  | 'RETURNED'
  | 'SPLIT'
  | 'MERGED'
  | 'TREATED'
  | 'DISPOSED'
  | 'CORRECTED'
  | 'SPLIT_FROM'
  | 'MERGED_FROM'
  | 'INSPECTED';

export interface CustodyEventFact {
  id: string;
  /** Position in the lot's chain, 1-based, gap-free. */
  seq: number;
  type: CustodyEventType;
  /** The organisation that recorded (performed) the event. */
  organisationId: string;
  /**
   * HANDED_OVER: the organisation the lot is handed to. RECEIVED / REJECTED: the organisation
   * that handed it over, if the event names it.
   */
  counterpartyId?: string | null;
  /** The custodian just before this event as the ledger recorded it, if it records it. */
  custodianBefore?: string | null;
  /** Client time: when it happened. */
  occurredAt: Instant;
  /** Server time: when the ledger stored it. */
  recordedAt: Instant;
  manifestId?: string | null;
  /** Quantity the event states (e.g. weighed at receipt, treated), grams. */
  quantityGrams?: number | null;
  /**
   * Whether the event ends the lot (nothing left in custody). Default by type: TREATED and
   * DISPOSED close; SPLIT and MERGED close when they are not the lot's first event (as first
   * event they create the lot). Set it to override, e.g. `false` for a partial treatment.
   */
  closesLot?: boolean;
}

/** A split or merge: quantities that must add up. */
export interface LineageFact {
  /** The SPLIT/MERGED event that recorded it. */
  eventId: string;
  operation: 'SPLIT' | 'MERGE';
  occurredAt: Instant;
  inputs: { lotId: string; grams: number }[];
  outputs: { lotId: string; grams: number }[];
}

export interface LotFacts {
  id: string;
  /** 8-digit code as written, e.g. `841-001-01`. */
  wasteCode: string;
  /** Medical-waste class (INFECTIOUS, SHARPS, …) or null. A code of category 01 is medical too. */
  medicalClass: string | null;
  generatorId: string;
  generatedAt: Instant;
  /** The lot's current recorded quantity. */
  quantityGrams: number;
  events: CustodyEventFact[];
  /**
   * Splits and merges recorded by this lot's own events (SPLIT on the parent, MERGED on the lot
   * that results), so that each appears once in a batch.
   */
  lineage?: LineageFact[];
  /**
   * For a lot created by a split or merge: when its first holder started holding the waste it
   * came from (the earliest among its parents at that holder), so that storage clocks do not
   * restart on a split. Null or absent otherwise.
   */
  holdingSince?: Instant | null;
  /** End of an approved extension of the operator's one-year storage limit (固废法 Art 81). */
  storageExtensionUntil?: Instant | null;
  /** Whether epidemic mode is on where the lot is now (鲁 办法 Art 13: dispose within 12 h). */
  epidemicMode?: boolean;
}

export type ManifestStatus =
  | 'DRAFT'
  | 'SUBMITTED'
  | 'IN_TRANSIT'
  | 'DELIVERED'
  | 'RECEIVED'
  | 'PARTIALLY_REJECTED'
  | 'REJECTED'
  | 'COMPLETED'
  | 'CANCELLED';

export type ManifestStepType = 'PICKUP' | 'RELAY' | 'DELIVER' | 'RECEIVE' | 'COMPLETE';

export interface ManifestStepFact {
  id: string;
  /** Order in which the steps were recorded, 1-based. */
  seq: number;
  type: ManifestStepType;
  /** The organisation that confirmed the step. */
  organisationId: string;
  occurredAt: Instant;
  recordedAt: Instant;
  /**
   * True when the step carries a verified device signature over its payload (occurredAt
   * included): the device attested when it was confirmed, e.g. queued offline and synced later.
   */
  deviceSigned?: boolean;
}

export type LineDecision = 'ACCEPTED' | 'PARTIALLY_ACCEPTED' | 'REJECTED';

export interface ManifestLineFact {
  lotId: string;
  declaredCode: string;
  declaredGrams: number;
  declaredContainers: number | null;
  /** Null until the consignee records the receipt. */
  receivedCode: string | null;
  receivedGrams: number | null;
  receivedContainers: number | null;
  decision: LineDecision | null;
  /** A discrepancy record (notice to the sender, EEB report reference) exists for this line. */
  discrepancyRecorded?: boolean;
}

export interface ManifestFacts {
  id: string;
  /** 14-digit national number. */
  number: string;
  status: ManifestStatus;
  consignorId: string;
  consigneeId: string;
  carriers: { organisationId: string; order: number }[];
  submittedAt: Instant | null;
  steps: ManifestStepFact[];
  lines: ManifestLineFact[];
}

export type CreditGrade = 'GREEN' | 'BLUE' | 'YELLOW' | 'BLACK';

/** One environmental-credit rating of an organisation, valid on [validFrom, validTo). */
export interface CreditGradeFact {
  organisationId: string;
  grade: CreditGrade;
  validFrom: Instant;
  validTo: Instant | null;
}

/** A medical institution whose waste a centralised disposer must collect (鲁 办法 Art 10). */
export interface MedicalInstitutionFacts {
  organisationId: string;
  /** The disposer responsible for collecting there, if known. */
  collectorId: string | null;
  /** Epidemic mode in force for the institution's region. */
  epidemicMode: boolean;
  /** When waste was last collected there (the carrier's pickup), null if never. */
  lastCollectedAt: Instant | null;
  /** Id of that collection (manifest or step id), null if never collected. */
  lastCollectionRef: string | null;
  /** When the institution came under collection (the interval clock's start if never collected). */
  serviceStartAt: Instant;
  /** Earliest generation time among its medical lots not yet collected; null when none waits. */
  pendingWasteSince: Instant | null;
  /**
   * Past collections in time order (the loader's look-back window), each with the generation time
   * of the oldest lot it took: a gap longer than the interval while waste waited is reported late.
   */
  collectionHistory?: Array<{ at: Instant; ref: string; oldestGeneratedAt: Instant }>;
}

export type PermitCheckOutcome =
  | 'OK'
  | 'NO_PERMIT'
  | 'PERMIT_NOT_ACTIVE'
  | 'PERMIT_EXPIRED'
  | 'CODE_NOT_COVERED'
  | 'OPERATION_NOT_COVERED'
  | 'SITE_NOT_COVERED';

/** The result of checking one party's permit at one step of a manifest (done by the permits feature). */
export interface PermitCheckFact {
  manifestId: string;
  organisationId: string;
  partyRole: 'CARRIER' | 'CONSIGNEE';
  /** When it was checked: SUBMIT, PICKUP, RELAY, DELIVER, RECEIVE, or IN_FLIGHT for a re-check. */
  step: string;
  checkedAt: Instant;
  /** The waste code checked, or null if the check covers the whole manifest. */
  wasteCode: string | null;
  outcome: PermitCheckOutcome;
  permitId: string | null;
  /** The licensed annual scale, grams, when the permit has one. */
  annualCapacityGrams?: number | null;
  /** Received in the permit's year so far, including this shipment, grams. */
  yearToDateGrams?: number | null;
}

export interface ChainVerificationFacts {
  lotId: string;
  verifiedAt: Instant;
  ok: boolean;
  /** The first event that does not verify. */
  firstFailure: { seq: number; eventId: string | null; reason: string } | null;
  failureCount: number;
  /** Organisations party to the lot (to route the flag). */
  partyIds: string[];
}

/** One facility, one waste code, one calendar month (China time): the stock movement. */
export interface FacilityMonthFacts {
  facilityId: string;
  /** YYYY-MM. */
  month: string;
  wasteCode: string;
  openingStockGrams: number;
  receivedGrams: number;
  /** Generated on site (residues of its own operations), grams. */
  generatedGrams: number;
  treatedGrams: number;
  sentOnGrams: number;
  closingStockGrams: number;
}

/**
 * What went from one consignor to one consignee over the rolling window (see
 * `pairLossFactsFromManifests` for the exact definition the SQL must reproduce).
 */
export interface PairLossFacts {
  consignorId: string;
  consigneeId: string;
  windowFrom: Instant;
  windowTo: Instant;
  manifestCount: number;
  /** Declared grams of the lines received in the window. */
  declaredGrams: number;
  /** Received (weighed) grams of those lines. */
  receivedGrams: number;
  /** Σ max(0, declared − received) per line. */
  shortfallGrams: number;
  /** Σ max(0, received − declared) per line. */
  excessGrams: number;
  /** Declared grams of manifests picked up in the window and overdue in transit (counted as lost). */
  undeliveredGrams: number;
  carrierIds: string[];
  /** The manifests that contributed a loss (capped by the loader if many). */
  manifestIds: string[];
}

/** Everything one evaluation looks at. Omit an array to leave its rules' subjects out of scope. */
export interface FactBatch {
  lots?: LotFacts[];
  manifests?: ManifestFacts[];
  organisations?: OrganisationFacts[];
  creditGrades?: CreditGradeFact[];
  medicalInstitutions?: MedicalInstitutionFacts[];
  permitChecks?: PermitCheckFact[];
  chainVerifications?: ChainVerificationFacts[];
  facilityMonths?: FacilityMonthFacts[];
  pairLosses?: PairLossFacts[];
}

/** Category of an 8-digit code: its last two digits (`841-001-01` → `01`). */
export function categoryOf(code: string): string {
  const digits = code.replace(/[^0-9]/g, '');
  return digits.slice(-2);
}

/** Codes compared without separators or spaces. */
export function sameCode(a: string, b: string): boolean {
  return a.replace(/[^0-9A-Za-z]/g, '') === b.replace(/[^0-9A-Za-z]/g, '');
}

/** Medical waste: a medical class, or a code of category HW01. */
export function isMedicalLot(lot: Pick<LotFacts, 'wasteCode' | 'medicalClass'>): boolean {
  return lot.medicalClass != null || categoryOf(lot.wasteCode) === '01';
}

export function isMedicalManifest(m: Pick<ManifestFacts, 'lines'>): boolean {
  return m.lines.some((l) => categoryOf(l.declaredCode) === '01');
}
