/**
 * Replays a lot's events to derive who held it when, which handovers are pending, and where the
 * chain of custody breaks. Shared by the lot rules; memoised per LotFacts object.
 */
import { toMs, type CustodyEventFact, type CustodyEventType, type LotFacts } from './facts';

/**
 * What an event means for custody:
 * - ORIGIN: creates the lot; its actor becomes the custodian (GENERATED; SPLIT/MERGED as a lot's first event).
 * - BY_CUSTODIAN: only the custodian may record it; custody does not move.
 * - RELEASE: the custodian offers the lot to `counterpartyId`; custody stays until accepted.
 * - ACCEPT: the party a release named confirms; custody moves to it.
 * - DECLINE: the named party (or the custodian) refuses; the release lapses, custody stays.
 * - NEUTRAL: no custody meaning (CORRECTED references another event).
 */
export type CustodyRole = 'ORIGIN' | 'BY_CUSTODIAN' | 'RELEASE' | 'ACCEPT' | 'DECLINE' | 'NEUTRAL';

export const EVENT_CUSTODY_ROLE: Readonly<Record<CustodyEventType, CustodyRole>> = {
  GENERATED: 'ORIGIN',
  STORED: 'BY_CUSTODIAN',
  RETRIEVED: 'BY_CUSTODIAN',
  PACKAGED: 'BY_CUSTODIAN',
  RELABELLED: 'BY_CUSTODIAN',
  HANDED_OVER: 'RELEASE',
  RECEIVED: 'ACCEPT',
  REJECTED: 'DECLINE',
  RETURNED: 'BY_CUSTODIAN',
  SPLIT: 'BY_CUSTODIAN',
  MERGED: 'BY_CUSTODIAN',
  TREATED: 'BY_CUSTODIAN',
  DISPOSED: 'BY_CUSTODIAN',
  CORRECTED: 'NEUTRAL',
  SPLIT_FROM: 'ORIGIN',
  MERGED_FROM: 'ORIGIN',
  INSPECTED: 'BY_CUSTODIAN',
};

export type CustodyBreakKind =
  | 'MISSING_ORIGIN'
  | 'DUPLICATE_ORIGIN'
  | 'ORIGIN_NOT_BY_GENERATOR'
  | 'RECORDED_CUSTODIAN_MISMATCH'
  | 'NOT_CUSTODIAN'
  | 'LOT_CLOSED'
  | 'ACCEPT_WITHOUT_HANDOVER'
  | 'ACCEPT_BY_OTHER_PARTY'
  | 'ACCEPT_FROM_OTHER_PARTY'
  | 'DECLINE_BY_OTHER_PARTY';

export interface CustodyBreak {
  event: CustodyEventFact;
  kind: CustodyBreakKind;
  /** Who should have acted (the custodian, or the party the handover named); null if nobody could. */
  expectedId: string | null;
}

/** A stretch of time during which one organisation held the lot. Times in ms. */
export interface HoldingPeriod {
  holderId: string;
  /** The event that started it (origin, acceptance, or a ledger-recorded custodian change). */
  startEventId: string;
  startAt: number;
  endEventId: string | null;
  endAt: number | null;
  endedBy: 'TRANSFER' | 'CLOSE' | null;
  /** The holder's STORED events during the period (placement into storage), in order. */
  storedAt: number[];
}

export interface HandoverRecord {
  release: CustodyEventFact;
  fromId: string;
  toId: string | null;
  resolution: { kind: 'ACCEPTED' | 'DECLINED' | 'SUPERSEDED' | 'LOT_CLOSED'; event: CustodyEventFact } | null;
}

export interface CustodyReplay {
  events: CustodyEventFact[];
  breaks: CustodyBreak[];
  periods: HoldingPeriod[];
  handovers: HandoverRecord[];
  /** The event that closed the lot, if any. */
  closedBy: CustodyEventFact | null;
  /** Custodian after the last event (null once closed). */
  custodianId: string | null;
}

export function custodyRoleOf(e: CustodyEventFact, isFirst: boolean): CustodyRole {
  if (isFirst && (e.type === 'SPLIT' || e.type === 'MERGED')) return 'ORIGIN';
  return EVENT_CUSTODY_ROLE[e.type] ?? 'NEUTRAL';
}

export function closesLot(e: CustodyEventFact, isFirst: boolean): boolean {
  if (e.closesLot !== undefined) return e.closesLot;
  if (e.type === 'TREATED' || e.type === 'DISPOSED') return true;
  return !isFirst && (e.type === 'SPLIT' || e.type === 'MERGED');
}

export function sortedEvents(lot: LotFacts): CustodyEventFact[] {
  return [...lot.events].sort((a, b) => a.seq - b.seq || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

const cache = new WeakMap<LotFacts, CustodyReplay>();

export function replayCustody(lot: LotFacts): CustodyReplay {
  let replay = cache.get(lot);
  if (!replay) {
    replay = computeReplay(lot);
    cache.set(lot, replay);
  }
  return replay;
}

function computeReplay(lot: LotFacts): CustodyReplay {
  const events = sortedEvents(lot);
  const breaks: CustodyBreak[] = [];
  const periods: HoldingPeriod[] = [];
  const handovers: HandoverRecord[] = [];
  let custodian: string | null = null;
  let started = false;
  let closedBy: CustodyEventFact | null = null;
  let pending: HandoverRecord | null = null;
  const holdingSince = lot.holdingSince != null ? toMs(lot.holdingSince) : null;

  const open = (holderId: string, e: CustodyEventFact, at: number) => {
    periods.push({
      holderId,
      startEventId: e.id,
      startAt: at,
      endEventId: null,
      endAt: null,
      endedBy: null,
      storedAt: [],
    });
  };
  const current = (): HoldingPeriod | undefined => {
    const p = periods[periods.length - 1];
    return p && p.endAt === null ? p : undefined;
  };
  const end = (e: CustodyEventFact, by: 'TRANSFER' | 'CLOSE') => {
    const p = current();
    if (p) {
      p.endEventId = e.id;
      p.endAt = toMs(e.occurredAt);
      p.endedBy = by;
    }
  };
  // At most one break per event: the first problem found is the one reported.
  const report = (event: CustodyEventFact, kind: CustodyBreakKind, expectedId: string | null) => {
    if (breaks[breaks.length - 1]?.event !== event) breaks.push({ event, kind, expectedId });
  };

  events.forEach((e, index) => {
    const isFirst = index === 0;
    const role = custodyRoleOf(e, isFirst);
    const at = toMs(e.occurredAt);
    const actor = e.organisationId;

    if (!started) {
      started = true;
      custodian = actor;
      open(actor, e, role === 'ORIGIN' && holdingSince !== null ? Math.min(holdingSince, at) : at);
      if (role !== 'ORIGIN') report(e, 'MISSING_ORIGIN', null);
      else if (e.type === 'GENERATED' && actor !== lot.generatorId)
        report(e, 'ORIGIN_NOT_BY_GENERATOR', lot.generatorId);
      return;
    }

    // The ledger's own view of the custodian, when it records one, must agree with the replay;
    // if not, report it and carry on from the ledger's view (so that one break is reported once).
    if (e.custodianBefore != null && closedBy === null && e.custodianBefore !== custodian) {
      report(e, 'RECORDED_CUSTODIAN_MISMATCH', custodian);
      end(e, 'TRANSFER');
      custodian = e.custodianBefore;
      open(custodian, e, at);
    }

    switch (role) {
      case 'ORIGIN':
        report(e, 'DUPLICATE_ORIGIN', null);
        return;
      case 'NEUTRAL':
        return;
      case 'BY_CUSTODIAN': {
        if (custodian === null) {
          report(e, 'LOT_CLOSED', null);
          return;
        }
        if (actor !== custodian) report(e, 'NOT_CUSTODIAN', custodian);
        if (e.type === 'STORED') current()?.storedAt.push(at);
        if (closesLot(e, isFirst)) {
          end(e, 'CLOSE');
          closedBy = e;
          custodian = null;
          if (pending) pending.resolution = { kind: 'LOT_CLOSED', event: e };
          pending = null;
        }
        return;
      }
      case 'RELEASE': {
        if (custodian === null) {
          report(e, 'LOT_CLOSED', null);
          return;
        }
        if (actor !== custodian) report(e, 'NOT_CUSTODIAN', custodian);
        if (pending) pending.resolution = { kind: 'SUPERSEDED', event: e };
        pending = { release: e, fromId: actor, toId: e.counterpartyId ?? null, resolution: null };
        handovers.push(pending);
        return;
      }
      case 'ACCEPT': {
        if (custodian === null) {
          report(e, 'LOT_CLOSED', null);
          return;
        }
        // A manifest is the release document for its later legs (Art 11, 17): the next carrier or
        // the consignee confirming receipt from the current custodian needs no separate release.
        if (!pending) {
          if (e.manifestId == null || e.counterpartyId !== custodian) report(e, 'ACCEPT_WITHOUT_HANDOVER', null);
        } else if (pending.toId !== null && pending.toId !== actor) report(e, 'ACCEPT_BY_OTHER_PARTY', pending.toId);
        else if (e.counterpartyId != null && e.counterpartyId !== pending.fromId)
          report(e, 'ACCEPT_FROM_OTHER_PARTY', pending.fromId);
        // Follow the ledger, which gave the lot to the acceptor, so that one break is reported once.
        if (pending) pending.resolution = { kind: 'ACCEPTED', event: e };
        pending = null;
        if (actor !== custodian) {
          end(e, 'TRANSFER');
          custodian = actor;
          open(actor, e, at);
        }
        return;
      }
      case 'DECLINE': {
        if (custodian === null) {
          report(e, 'LOT_CLOSED', null);
          return;
        }
        const named = pending && (pending.toId === null || pending.toId === actor);
        if (!named && actor !== custodian) report(e, 'DECLINE_BY_OTHER_PARTY', pending?.toId ?? custodian);
        if (pending && named) {
          pending.resolution = { kind: 'DECLINED', event: e };
          pending = null;
        }
        return;
      }
    }
  });

  return { events, breaks, periods, handovers, closedBy, custodianId: custodian };
}
