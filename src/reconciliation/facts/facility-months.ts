/**
 * The monthly stock movement of a facility per waste code (FacilityMonthFacts), computed from the
 * custody events of the lots it held. Pure: the loader reads the lots and events set-based and
 * hands them here.
 *
 * For one facility F, one waste code, one calendar month M (China time), over F's lots counted in
 * grams, replaying each lot's events in order (custody roles as in custody.ts):
 * - generated: a GENERATED event by F (the lot's quantity);
 * - received: custody accepted by F from another holder (RECEIVED; the weighed quantity when the
 *   event states one, or when F's INSPECTED weighing at reception follows);
 * - sent on: custody accepted from F by another party (the quantity F held);
 * - treated: a TREATED or DISPOSED that closes the lot while F holds it;
 * - opening / closing stock: what F held at the first / last instant of M (lots open and held by F).
 * A split or merge is a transformation inside F: the parent leaves F's stock and the new lots enter
 * it, with no flow, so an unbalanced split shows as a residual. A correction that changes a lot's
 * quantity is no flow either: an unexplained change of weight in store is exactly what the monthly
 * balance exists to catch.
 */
import { closesLot, custodyRoleOf } from '../domain/custody';
import { toMs, type FacilityMonthFacts, type Instant, type LotFacts } from '../domain/facts';
import { addCalendarDays, chinaCalendarDate, chinaStartOfDay } from '../domain/working-days';

export interface FacilityPeriod {
  facilityId: string;
  /** YYYY-MM (China time). */
  month: string;
}

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

/** `<facilityId>@<YYYY-MM>` (the FACILITY_PERIOD subject id), or null when malformed. */
export function parseFacilityPeriod(id: string): FacilityPeriod | null {
  const at = id.lastIndexOf('@');
  if (at <= 0) return null;
  const facilityId = id.slice(0, at);
  const month = id.slice(at + 1);
  return MONTH.test(month) ? { facilityId, month } : null;
}

export const facilityPeriodKey = (p: FacilityPeriod): string => `${p.facilityId}@${p.month}`;

/** The China calendar month of an instant, YYYY-MM. */
export function monthOf(t: Instant): string {
  return chinaCalendarDate(new Date(toMs(t))).slice(0, 7);
}

/** [first instant, first instant of the next month) of a China calendar month, in ms. */
export function monthWindow(month: string): { from: number; to: number } {
  const first = `${month}-01`;
  const next = addCalendarDays(first, 32).slice(0, 7);
  return { from: chinaStartOfDay(first).getTime(), to: chinaStartOfDay(`${next}-01`).getTime() };
}

interface State {
  at: number;
  holder: string | null;
  grams: number;
}

interface Flow {
  generated: number;
  received: number;
  treated: number;
  sentOn: number;
}

/** Replays one lot: the state after each event, and the flows by (organisation, month). */
function replayStock(lot: LotFacts): { states: State[]; flows: Map<string, Flow> } {
  const events = [...lot.events].sort((a, b) => a.seq - b.seq);
  const flows = new Map<string, Flow>();
  const flow = (org: string, at: number): Flow => {
    const key = `${org}|${monthOf(new Date(at))}`;
    let f = flows.get(key);
    if (!f) flows.set(key, (f = { generated: 0, received: 0, treated: 0, sentOn: 0 }));
    return f;
  };
  const states: State[] = [];
  let holder: string | null = null;
  let grams = 0;
  events.forEach((e, i) => {
    const first = i === 0;
    const at = toMs(e.occurredAt);
    const before = grams;
    const stated = e.quantityGrams ?? null;
    switch (custodyRoleOf(e, first)) {
      case 'ORIGIN':
        if (first) {
          holder = e.organisationId;
          grams = stated ?? lot.quantityGrams;
          if (e.type === 'GENERATED') flow(holder, at).generated += grams;
        }
        break;
      case 'ACCEPT':
        if (holder !== null) {
          grams = stated ?? grams;
          if (e.organisationId !== holder) {
            flow(holder, at).sentOn += before;
            flow(e.organisationId, at).received += grams;
            holder = e.organisationId;
          }
        }
        break;
      case 'BY_CUSTODIAN':
        // The consignee's weighing at reception restates what it received (a loss in transit shows
        // between the sender's "sent on" and this "received", not as a change in store).
        if (holder !== null && e.type === 'INSPECTED' && stated !== null) {
          flow(holder, at).received += stated - grams;
          grams = stated;
        }
        if (holder !== null && closesLot(e, first)) {
          if (e.type === 'TREATED' || e.type === 'DISPOSED') flow(holder, at).treated += grams;
          holder = null;
        }
        break;
      case 'NEUTRAL':
        if (holder !== null && stated !== null) grams = stated;
        break;
      case 'RELEASE':
      case 'DECLINE':
        // An offer, or its refusal: custody and quantity stay.
        break;
    }
    states.push({ at, holder, grams });
  });
  return { states, flows };
}

/** What the lot's holder held just before `t`: the state after the longest prefix of events all before `t`. */
function stockAt(states: readonly State[], t: number, facilityId: string): number {
  let last: State | null = null;
  for (const s of states) {
    if (s.at >= t) break;
    last = s;
  }
  return last && last.holder === facilityId ? last.grams : 0;
}

/**
 * FacilityMonthFacts of the requested periods, one per waste code that moved or was held, tallied
 * lot by lot (so that a caller can read a facility's lots in chunks and let each go): `add` every
 * lot the facility may have held in those months (lots in pieces are left out by the caller), once.
 */
export class FacilityMonthTally {
  private readonly wanted: Set<string>;
  private readonly byFacility = new Map<string, string[]>();
  /** Each period's window once (not once per lot: it walks the China calendar). */
  private readonly windows: Map<string, { from: number; to: number }>;
  private readonly rows = new Map<string, FacilityMonthFacts>();

  constructor(periods: readonly FacilityPeriod[]) {
    this.wanted = new Set(periods.map(facilityPeriodKey));
    for (const p of periods) this.byFacility.set(p.facilityId, [...(this.byFacility.get(p.facilityId) ?? []), p.month]);
    this.windows = new Map(periods.map((p) => [p.month, monthWindow(p.month)]));
  }

  add(lot: LotFacts): void {
    const { states, flows } = replayStock(lot);
    for (const [key, f] of flows) {
      const [org, month] = key.split('|');
      if (!this.wanted.has(`${org}@${month}`)) continue;
      const r = this.row(org, month, lot.wasteCode);
      r.generatedGrams += f.generated;
      r.receivedGrams += f.received;
      r.treatedGrams += f.treated;
      r.sentOnGrams += f.sentOn;
    }
    for (const [facilityId, months] of this.byFacility) {
      for (const month of months) {
        const { from, to } = this.windows.get(month)!;
        const opening = stockAt(states, from, facilityId);
        const closing = stockAt(states, to, facilityId);
        if (opening === 0 && closing === 0) continue;
        const r = this.row(facilityId, month, lot.wasteCode);
        r.openingStockGrams += opening;
        r.closingStockGrams += closing;
      }
    }
  }

  /** The tallies, sorted by facility, month, code. */
  facts(): FacilityMonthFacts[] {
    const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
    return [...this.rows.values()].sort(
      (a, b) => cmp(a.facilityId, b.facilityId) || cmp(a.month, b.month) || cmp(a.wasteCode, b.wasteCode),
    );
  }

  private row(facilityId: string, month: string, wasteCode: string): FacilityMonthFacts {
    const key = `${facilityId}|${month}|${wasteCode}`;
    let r = this.rows.get(key);
    if (!r) {
      r = {
        facilityId,
        month,
        wasteCode,
        openingStockGrams: 0,
        receivedGrams: 0,
        generatedGrams: 0,
        treatedGrams: 0,
        sentOnGrams: 0,
        closingStockGrams: 0,
      };
      this.rows.set(key, r);
    }
    return r;
  }
}

/** FacilityMonthFacts of the periods over these lots (a FacilityMonthTally of them all). */
export function facilityMonthFacts(
  lots: readonly LotFacts[],
  periods: readonly FacilityPeriod[],
): FacilityMonthFacts[] {
  const tally = new FacilityMonthTally(periods);
  for (const lot of lots) tally.add(lot);
  return tally.facts();
}

/**
 * The facility periods a lot's events touch: for each event, the holder before and after it, in
 * the month of the event. Callers keep those of facilities (collectors, storers, treaters).
 */
export function touchedPeriods(lot: LotFacts): FacilityPeriod[] {
  const { states } = replayStock(lot);
  const out = new Map<string, FacilityPeriod>();
  let previous: string | null = null;
  const events = [...lot.events].sort((a, b) => a.seq - b.seq);
  events.forEach((e, i) => {
    const month = monthOf(e.occurredAt);
    for (const org of [previous, states[i].holder, e.organisationId]) {
      if (org) out.set(`${org}@${month}`, { facilityId: org, month });
    }
    previous = states[i].holder;
  });
  return [...out.values()];
}
