/**
 * Time rules of the ledger. Timestamps are kept to the millisecond (timestamptz(3)) and
 * rendered as ISO 8601 UTC with exactly three fraction digits (`Date.prototype.toISOString`).
 */

const ISO_TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-](\d{2}):(\d{2}))$/;

/** The earliest time the ledger accepts (nothing hazardous was recorded electronically before). */
export const EARLIEST = Date.UTC(1970, 0, 1);
/** The latest time representable in every system that reads the ledger. */
export const LATEST = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

/**
 * Parses an ISO 8601 timestamp with an explicit zone (Z or ±hh:mm). Refuses impossible
 * calendar dates (2026-02-30), times outside 1970–9999 and zone-less times (ambiguous).
 * Fractions beyond milliseconds are truncated.
 */
export function parseTimestamp(value: unknown): Date | null {
  if (typeof value !== 'string') return null;
  const m = ISO_TIMESTAMP.exec(value);
  if (!m) return null;
  const [, y, mo, d, h, mi, s = '0', , zone, zh, zm] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) return null;
  if (Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) return null;
  if (zone !== 'Z' && (Number(zh) > 23 || Number(zm) > 59)) return null;
  const ms = Date.parse(value);
  if (Number.isNaN(ms) || ms < EARLIEST || ms > LATEST) return null;
  return new Date(ms);
}

function daysIn(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

export type ClockProblem =
  { code: 'occurred-at-in-future'; message: string } | { code: 'occurred-at-before-previous-event'; message: string };

/**
 * occurredAt (client time) may be at most `skewSeconds` ahead of the server clock, and never
 * earlier than the previous event of the same lot.
 */
export function checkOccurredAt(
  occurredAt: Date,
  context: { now: Date; skewSeconds: number; previous: Date | null },
): ClockProblem | null {
  if (occurredAt.getTime() > context.now.getTime() + context.skewSeconds * 1000) {
    return {
      code: 'occurred-at-in-future',
      message: `occurredAt ${occurredAt.toISOString()} is in the future (server time ${context.now.toISOString()}, tolerated skew ${context.skewSeconds} s)`,
    };
  }
  if (context.previous && occurredAt.getTime() < context.previous.getTime()) {
    return {
      code: 'occurred-at-before-previous-event',
      message: `occurredAt ${occurredAt.toISOString()} is before the lot's previous event (${context.previous.toISOString()})`,
    };
  }
  return null;
}
