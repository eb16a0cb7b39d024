/**
 * Who held a lot from when to when, read from its custody events (pure, no I/O).
 *
 * Custody starts with the lot's genesis (GENERATED, SPLIT_FROM, MERGED_FROM: the actor holds it)
 * and moves only when a receiving party confirms (RECEIVED: the actor becomes custodian). It ends
 * when the lot closes (DISPOSED without a remaining quantity, SPLIT, MERGED). A HANDED_OVER event
 * is an offer: the releasing party stays custodian until the receipt (`releasedAt` records the
 * offer). Intervals follow each other without a gap when the chain connects; when a receipt names
 * a sender that is not the custodian on record (a custody break), the custodian's interval ends at
 * its last recorded act and the time until the receipt is an explicit gap: nobody on record held
 * the lot then.
 */
export interface CustodyEventInput {
  seq: number;
  type: string;
  /** ISO 8601. */
  occurredAt: string;
  actorOrganisationId: string;
  payload: Record<string, unknown>;
}

export type IntervalEnd = 'TRANSFERRED' | 'CLOSED' | 'BREAK';

export interface CustodyInterval {
  organisationId: string;
  from: string;
  /** When custody passed on, the lot closed, or (after a break) the custodian's last recorded act; null while it still holds the lot. */
  to: string | null;
  startedBy: { seq: number; type: string; manifestId: string | null };
  endedBy: { seq: number; type: string; reason: IntervalEnd } | null;
  /** The custodian offered the lot to the next party (HANDED_OVER) at this time and held it until the receipt. */
  releasedAt: string | null;
}

export interface CustodyGap {
  kind: 'CUSTODY_BREAK';
  from: string;
  to: string;
  durationMs: number;
  /** The custodian on record before the gap. */
  previousOrganisationId: string;
  /** The party that confirmed receipt after it. */
  nextOrganisationId: string;
  /** The sender the receipt named (not the custodian on record). */
  namedSenderId: string;
  seq: number;
}

export type CustodyAnomalyKind =
  /** An event recorded by an organisation that did not hold the lot. */
  | 'NOT_CUSTODIAN'
  /** An event that moves or changes the lot after it closed. */
  | 'AFTER_CLOSURE'
  /** The chain does not start with a genesis event. */
  | 'NO_ORIGIN';

export interface CustodyAnomaly {
  kind: CustodyAnomalyKind;
  seq: number;
  type: string;
  actorOrganisationId: string;
  custodianOrganisationId: string | null;
}

export interface CustodyTimeline {
  intervals: CustodyInterval[];
  gaps: CustodyGap[];
  anomalies: CustodyAnomaly[];
  /** The custodian after the last event; null once the lot closed. */
  currentCustodianId: string | null;
  closed: boolean;
}

const GENESIS = new Set(['GENERATED', 'SPLIT_FROM', 'MERGED_FROM']);
/** Events any party named on a handover may record (the receiving party refusing, for instance). */
const NOT_CUSTODIAN_CHECKED = new Set(['RECEIVED', 'REJECTED', 'CORRECTED']);

const text = (v: unknown): string | null => (typeof v === 'string' ? v : null);

function remainingAmount(payload: Record<string, unknown>): bigint {
  const remaining = payload.remaining as { amount?: unknown } | undefined;
  const amount = remaining && typeof remaining.amount === 'string' ? remaining.amount : null;
  return amount !== null && /^\d+$/.test(amount) ? BigInt(amount) : 0n;
}

function closes(e: CustodyEventInput): boolean {
  if (e.type === 'SPLIT' || e.type === 'MERGED') return true;
  return e.type === 'DISPOSED' && remainingAmount(e.payload) === 0n;
}

export function custodyTimeline(events: readonly CustodyEventInput[]): CustodyTimeline {
  const intervals: CustodyInterval[] = [];
  const gaps: CustodyGap[] = [];
  const anomalies: CustodyAnomaly[] = [];
  let current: CustodyInterval | null = null;
  let lastActAt: string | null = null;
  let closed = false;

  const open = (e: CustodyEventInput) => {
    current = {
      organisationId: e.actorOrganisationId,
      from: e.occurredAt,
      to: null,
      startedBy: { seq: e.seq, type: e.type, manifestId: text(e.payload.manifestId) },
      endedBy: null,
      releasedAt: null,
    };
    intervals.push(current);
    lastActAt = e.occurredAt;
  };
  const anomaly = (kind: CustodyAnomalyKind, e: CustodyEventInput) =>
    anomalies.push({
      kind,
      seq: e.seq,
      type: e.type,
      actorOrganisationId: e.actorOrganisationId,
      custodianOrganisationId: (current as CustodyInterval | null)?.organisationId ?? null,
    });

  for (const e of events) {
    const holder = current as CustodyInterval | null;
    if (GENESIS.has(e.type)) {
      if (intervals.length > 0 || closed) anomaly('NO_ORIGIN', e);
      else open(e);
      continue;
    }
    if (!holder) {
      // A correction of a closed lot (that does not change its quantity) is allowed.
      if (!(closed && e.type === 'CORRECTED')) anomaly(closed ? 'AFTER_CLOSURE' : 'NO_ORIGIN', e);
      continue;
    }
    if (e.type === 'RECEIVED') {
      if (e.actorOrganisationId === holder.organisationId) {
        lastActAt = e.occurredAt;
        continue;
      }
      const named = text(e.payload.fromOrganisationId);
      if (named !== null && named !== holder.organisationId) {
        const gapFrom = lastActAt ?? holder.from;
        holder.to = gapFrom;
        holder.endedBy = { seq: e.seq, type: e.type, reason: 'BREAK' };
        gaps.push({
          kind: 'CUSTODY_BREAK',
          from: gapFrom,
          to: e.occurredAt,
          durationMs: Date.parse(e.occurredAt) - Date.parse(gapFrom),
          previousOrganisationId: holder.organisationId,
          nextOrganisationId: e.actorOrganisationId,
          namedSenderId: named,
          seq: e.seq,
        });
      } else {
        holder.to = e.occurredAt;
        holder.endedBy = { seq: e.seq, type: e.type, reason: 'TRANSFERRED' };
      }
      open(e);
      continue;
    }
    if (!NOT_CUSTODIAN_CHECKED.has(e.type) && e.actorOrganisationId !== holder.organisationId) {
      anomaly('NOT_CUSTODIAN', e);
    } else if (e.actorOrganisationId === holder.organisationId) {
      lastActAt = e.occurredAt;
    }
    if (e.type === 'HANDED_OVER') holder.releasedAt = e.occurredAt;
    if (e.type === 'REJECTED') holder.releasedAt = null;
    if (closes(e)) {
      holder.to = e.occurredAt;
      holder.endedBy = { seq: e.seq, type: e.type, reason: 'CLOSED' };
      current = null;
      closed = true;
    }
  }
  const last = current as CustodyInterval | null;
  return { intervals, gaps, anomalies, currentCustodianId: last?.organisationId ?? null, closed };
}
