import { hash } from 'node:crypto';
import { canonicalJson, canonicalString as str } from './canonical-json';

/**
 * The hashed content of a custody event and its encoding (see docs/ledger.md, which an
 * auditor follows to re-implement this without our code).
 *
 *   hash = lowercase hex( SHA-256( UTF-8( RFC 8785 canonical JSON of EventContent ) ) )
 *
 * The first event of a lot links to GENESIS_HASH.
 */

/** Encoding version written in every event (`v`). A new encoding gets a new number; old events keep theirs. */
export const LEDGER_FORMAT = 1;

/** prevHash of seq 1: 64 zeros. */
export const GENESIS_HASH = '0'.repeat(64);

export const HASH_PATTERN = /^[0-9a-f]{64}$/;

/**
 * JSON a payload may hold: objects, arrays, strings (well-formed Unicode without U+0000),
 * safe integers, booleans and null. No fractional numbers: quantities are integer strings of
 * base units, so that every language re-encodes numbers identically.
 */
export type LedgerValue = string | number | boolean | null | LedgerValue[] | { [key: string]: LedgerValue };
export type LedgerObject = { [key: string]: LedgerValue };

export interface EventActor {
  organisationId: string;
  /** Null for events written by the system itself. */
  memberId: string | null;
}

export interface EventContent {
  v: number;
  lotId: string;
  seq: number;
  prevHash: string;
  type: string;
  /** ISO 8601 UTC with milliseconds, e.g. 2026-11-28T08:30:00.000Z */
  occurredAt: string;
  recordedAt: string;
  actor: EventActor;
  payload: LedgerObject;
}

/**
 * The exact bytes that are hashed: RFC 8785 of the content. The members of the content are
 * fixed, so they are written in their sorted order directly (actor, lotId, occurredAt, payload,
 * prevHash, recordedAt, seq, type, v); the payload goes through `canonicalJson`.
 */
export function canonicalEventJson(content: EventContent): string {
  const { actor } = content;
  const shaped =
    typeof actor === 'object' &&
    actor !== null &&
    Object.keys(actor).length === 2 &&
    typeof actor.organisationId === 'string' &&
    (actor.memberId === null || typeof actor.memberId === 'string') &&
    typeof content.lotId === 'string' &&
    typeof content.occurredAt === 'string' &&
    typeof content.prevHash === 'string' &&
    typeof content.recordedAt === 'string' &&
    typeof content.type === 'string' &&
    Object.keys(content).length === 9;
  if (!shaped) return canonicalJson(content);
  return (
    `{"actor":{"memberId":${actor.memberId === null ? 'null' : str(actor.memberId)},` +
    `"organisationId":${str(actor.organisationId)}},"lotId":${str(content.lotId)},` +
    `"occurredAt":${str(content.occurredAt)},"payload":${canonicalJson(content.payload)},` +
    `"prevHash":${str(content.prevHash)},"recordedAt":${str(content.recordedAt)},` +
    `"seq":${canonicalJson(content.seq)},"type":${str(content.type)},"v":${canonicalJson(content.v)}}`
  );
}

export function hashEventContent(content: EventContent): string {
  // crypto.hash: one-shot, about twice as fast as createHash().update().digest() for short input.
  return hash('sha256', canonicalEventJson(content), 'hex');
}

const MAX_DEPTH = 8;

/**
 * Checks that a value is ledger JSON; returns the path and reason of the first problem, or
 * null. Payloads are checked before they are hashed or stored, so that nothing the database
 * would alter (or refuse) ever reaches a hash.
 */
export function ledgerJsonProblem(value: unknown, path = 'payload', depth = 0): string | null {
  if (depth > MAX_DEPTH) return `${path}: nested too deeply`;
  if (value === null || typeof value === 'boolean') return null;
  if (typeof value === 'string') return textProblem(value) ? `${path}: ${textProblem(value)}` : null;
  if (typeof value === 'number') return Number.isSafeInteger(value) ? null : `${path}: only safe integers are allowed`;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const problem = ledgerJsonProblem(value[i], `${path}[${i}]`, depth + 1);
      if (problem) return problem;
    }
    return null;
  }
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    for (const [key, item] of Object.entries(value)) {
      if (textProblem(key)) return `${path}: key ${JSON.stringify(key)} ${textProblem(key)}`;
      if (item === undefined) return `${path}.${key}: undefined is not JSON`;
      const problem = ledgerJsonProblem(item, `${path}.${key}`, depth + 1);
      if (problem) return problem;
    }
    return null;
  }
  return `${path}: ${typeof value} is not ledger JSON`;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Text PostgreSQL stores unchanged and RFC 8785 accepts: well-formed UTF-16, no U+0000. */
export function textProblem(text: string): string | null {
  if (LONE_SURROGATE.test(text)) return 'contains a lone surrogate';
  if (text.includes('\u0000')) return 'contains U+0000';
  return null;
}

export interface UnsealedEvent {
  type: string;
  occurredAt: Date;
  payload: LedgerObject;
}

export interface SealedEvent {
  content: EventContent;
  hash: string;
}

/**
 * Links new events onto a chain whose last event is `head` (seq 0 and GENESIS_HASH for a new
 * lot): numbers them, sets each prevHash and computes each hash.
 */
export function sealEvents(
  lotId: string,
  head: { seq: number; hash: string },
  events: readonly UnsealedEvent[],
  recordedAt: Date,
  actor: EventActor,
): SealedEvent[] {
  let seq = head.seq;
  let prevHash = head.hash;
  return events.map((event) => {
    seq += 1;
    const content: EventContent = {
      v: LEDGER_FORMAT,
      lotId,
      seq,
      prevHash,
      type: event.type,
      occurredAt: event.occurredAt.toISOString(),
      recordedAt: recordedAt.toISOString(),
      actor: { organisationId: actor.organisationId, memberId: actor.memberId },
      payload: event.payload,
    };
    const hash = hashEventContent(content);
    prevHash = hash;
    return { content, hash };
  });
}
