import { GENESIS_HASH, hashEventContent, LEDGER_FORMAT, type EventActor, type LedgerObject } from './event-hash';
import { GENESIS_TYPES, type EventType } from './ledger-types';

/** An event as stored, with its hashes in lowercase hex and times in ISO 8601 UTC. */
export interface StoredEvent {
  lotId: string;
  seq: number;
  format: number;
  type: string;
  occurredAt: string;
  recordedAt: string;
  actor: EventActor;
  payload: LedgerObject;
  prevHash: string;
  hash: string;
}

/** The chain hash recomputed from a stored event's content (not trusting its stored `hash`). */
export function hashStoredEvent(event: StoredEvent): string {
  return hashEventContent({
    v: event.format,
    lotId: event.lotId,
    seq: event.seq,
    prevHash: event.prevHash,
    type: event.type,
    occurredAt: event.occurredAt,
    recordedAt: event.recordedAt,
    actor: { organisationId: event.actor.organisationId, memberId: event.actor.memberId },
    payload: event.payload,
  });
}

export type ChainFault =
  /** No event at all: the lot has lost its genesis. */
  | 'empty-chain'
  /** The sequence skips this number: an event was removed. */
  | 'missing-event'
  /** An event whose seq is not the next one (duplicate or out of order). */
  | 'unexpected-event'
  /** The event is not of a genesis type at seq 1, or is a genesis type later. */
  | 'invalid-genesis'
  /** The event's encoding version is unknown to this verifier. */
  | 'unknown-format'
  /** prevHash is not the hash of the previous event (or the genesis value at seq 1). */
  | 'broken-link'
  /** The stored hash is not the hash of the stored content: the event was altered. */
  | 'hash-mismatch'
  /** The lot's recorded head (last seq and hash) does not match the last event. */
  | 'head-mismatch';

export type ChainVerdict =
  | { ok: true; eventsChecked: number; headSeq: number; headHash: string }
  | { ok: false; eventsChecked: number; firstBadSeq: number; fault: ChainFault; detail: string };

/**
 * Recomputes one lot's chain event by event, in seq order, without holding it all in memory.
 * Stops at the first fault. Pure: feed it events, then the head the lot row claims.
 */
export class ChainVerifier {
  private expectedSeq = 1;
  private previousHash = GENESIS_HASH;
  private checked = 0;
  private fault: Extract<ChainVerdict, { ok: false }> | null = null;

  constructor(private readonly lotId: string) {}

  get failed(): boolean {
    return this.fault !== null;
  }

  /** Checks the next event; returns false once the chain is known to be bad. */
  push(event: StoredEvent): boolean {
    if (this.fault) return false;
    const seq = this.expectedSeq;
    if (event.seq > seq)
      return this.fail(seq, 'missing-event', `event ${seq} is missing (next stored is ${event.seq})`);
    if (event.seq !== seq || event.lotId !== this.lotId) {
      return this.fail(event.seq, 'unexpected-event', `expected event ${seq} of lot ${this.lotId}`);
    }
    if (event.format !== LEDGER_FORMAT) {
      return this.fail(seq, 'unknown-format', `encoding version ${event.format} is not known`);
    }
    if ((seq === 1) !== GENESIS_TYPES.has(event.type as EventType)) {
      return this.fail(seq, 'invalid-genesis', `a ${event.type} event cannot be at seq ${seq}`);
    }
    if (event.prevHash !== this.previousHash) {
      return this.fail(seq, 'broken-link', `prevHash ${event.prevHash} is not ${this.previousHash}`);
    }
    const recomputed = hashStoredEvent(event);
    if (recomputed !== event.hash) {
      return this.fail(seq, 'hash-mismatch', `stored hash ${event.hash}, recomputed ${recomputed}`);
    }
    this.checked++;
    this.expectedSeq++;
    this.previousHash = event.hash;
    return true;
  }

  /** The verdict, given the head (last seq and hash) recorded on the lot. */
  finish(head: { seq: number; hash: string }): ChainVerdict {
    if (this.fault) return this.fault;
    const last = this.expectedSeq - 1;
    if (last === 0) {
      return { ok: false, eventsChecked: 0, firstBadSeq: 1, fault: 'empty-chain', detail: 'the lot has no events' };
    }
    if (last < head.seq) {
      this.fail(last + 1, 'missing-event', `the chain ends at ${last} but the lot's head is ${head.seq}`);
    } else if (last > head.seq) {
      this.fail(head.seq + 1, 'head-mismatch', `the lot's head is ${head.seq} but events go on to ${last}`);
    } else if (this.previousHash !== head.hash) {
      this.fail(last, 'head-mismatch', `the lot's head hash ${head.hash} is not the last event's ${this.previousHash}`);
    }
    return this.fault ?? { ok: true, eventsChecked: this.checked, headSeq: last, headHash: this.previousHash };
  }

  private fail(seq: number, fault: ChainFault, detail: string): false {
    this.fault = { ok: false, eventsChecked: this.checked, firstBadSeq: seq, fault, detail };
    return false;
  }
}

/** Verifies a whole chain held in memory. */
export function verifyChain(
  lotId: string,
  events: Iterable<StoredEvent>,
  head: { seq: number; hash: string },
): ChainVerdict {
  const verifier = new ChainVerifier(lotId);
  for (const event of events) if (!verifier.push(event)) break;
  return verifier.finish(head);
}
