/**
 * From ledger rows (lots, custody_events, lot_lineage, as set-based SQL reads them) to the facts
 * the rules judge. Pure: no Nest, no TypeORM, no I/O, so that it is unit-tested on its own.
 *
 * Mapping of ledger events to custody events (see docs/rules.md, "How the loaders fill facts"):
 * - `SPLIT_FROM` / `MERGED_FROM` (a lot's genesis after a split or merge) → `SPLIT` / `MERGED` as
 *   the lot's first event (an origin), everything else keeps its type.
 * - the event id is the ledger's `global_seq` (unique across lots, never reused).
 * - `HANDED_OVER` names the receiving party in `payload.toOrganisationId`; `RECEIVED` / `REJECTED`
 *   the sending party in `payload.fromOrganisationId` (`payload.counterpartyOrganisationId` is read
 *   for either when the specific field is absent); `payload.manifestId` links a manifest.
 * - `quantityGrams`: `payload.quantity` when it is `{amount, unit: "g"}` (genesis, correction,
 *   receipt weighing).
 * - `TREATED` is in-house treatment that may leave a residue (the ledger lets the lot go on): it
 *   closes the lot for the rules only when no event other than `CORRECTED` follows it.
 */
import { ChainVerifier, type StoredEvent } from '../../ledger/domain/chain-verifier';
import type { LedgerObject } from '../../ledger/domain/event-hash';
import { replayCustody } from '../domain/custody';
import {
  toMs,
  type ChainVerificationFacts,
  type CustodyEventFact,
  type CustodyEventType,
  type LineageFact,
  type LotFacts,
} from '../domain/facts';

/** A lot row as the loader reads it (the head at the time of the read). */
export interface LotRow {
  id: string;
  wasteCode: string;
  wasteCategory: string;
  medicalClass: string | null;
  generatorId: string;
  custodianId: string;
  generatedAt: Date;
  /** Integer base units, as text. */
  quantity: string;
  unit: 'g' | 'pcs';
  status: string;
  headSeq: number;
  /** Lowercase hex. */
  headHash: string;
  /** The chain start (partition key of the lot's events). */
  createdAt: Date;
}

/** What the custody facts read of an event row (`payload`: at least the fields they read). */
export interface MovementRow {
  lotId: string;
  seq: number;
  globalSeq: string;
  type: string;
  occurredAt: Date;
  recordedAt: Date;
  actorOrganisationId: string;
  payload: LedgerObject;
}

/** A custody event row, events of one lot up to the head read with the lot. */
export interface EventRow extends MovementRow {
  format: number;
  actorMemberId: string | null;
  prevHash: string;
  hash: string;
}

export interface LineageRow {
  parentLotId: string;
  childLotId: string;
  kind: 'SPLIT' | 'MERGE';
  /** Base units of the parent that went into the child, as text. */
  quantity: string;
}

const TYPE_OF: Readonly<Record<string, CustodyEventType>> = {
  GENERATED: 'GENERATED',
  STORED: 'STORED',
  RETRIEVED: 'RETRIEVED',
  PACKAGED: 'PACKAGED',
  RELABELLED: 'RELABELLED',
  TREATED: 'TREATED',
  DISPOSED: 'DISPOSED',
  SPLIT: 'SPLIT',
  MERGED: 'MERGED',
  SPLIT_FROM: 'SPLIT',
  MERGED_FROM: 'MERGED',
  CORRECTED: 'CORRECTED',
  HANDED_OVER: 'HANDED_OVER',
  RECEIVED: 'RECEIVED',
  REJECTED: 'REJECTED',
  RETURNED: 'RETURNED',
  INSPECTED: 'INSPECTED',
};

/** Custody type of a ledger event type; an unknown type has no custody meaning (as CORRECTED). */
export function custodyTypeOf(ledgerType: string): CustodyEventType {
  return TYPE_OF[ledgerType] ?? 'CORRECTED';
}

const text = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 ? v : null);

/** Grams stated by a payload's `quantity` ({amount, unit: "g"}), or null. */
export function gramsOf(payload: LedgerObject | null | undefined): number | null {
  const q = payload?.quantity;
  if (!q || typeof q !== 'object' || Array.isArray(q)) return null;
  const { amount, unit } = q as { amount?: unknown; unit?: unknown };
  if (unit !== 'g' || typeof amount !== 'string' || !/^\d{1,16}$/.test(amount)) return null;
  return Number(amount);
}

function counterpartyOf(type: CustodyEventType, payload: LedgerObject): string | null {
  const generic = text(payload.counterpartyOrganisationId);
  if (type === 'HANDED_OVER') return text(payload.toOrganisationId) ?? generic;
  if (type === 'RECEIVED' || type === 'REJECTED') return text(payload.fromOrganisationId) ?? generic;
  return null;
}

/** The custody events of one lot, in seq order. */
export function eventFacts(rows: readonly MovementRow[]): CustodyEventFact[] {
  const sorted = [...rows].sort((a, b) => a.seq - b.seq);
  // Index of the last event that is not a correction: a TREATED before it did not end the lot.
  let lastMeaningful = -1;
  sorted.forEach((r, i) => {
    if (custodyTypeOf(r.type) !== 'CORRECTED') lastMeaningful = i;
  });
  return sorted.map((r, i) => {
    const type = custodyTypeOf(r.type);
    const payload = r.payload ?? {};
    const fact: CustodyEventFact = {
      id: r.globalSeq,
      seq: r.seq,
      type,
      organisationId: r.actorOrganisationId,
      counterpartyId: counterpartyOf(type, payload),
      custodianBefore: null,
      occurredAt: r.occurredAt,
      recordedAt: r.recordedAt,
      manifestId: text(payload.manifestId),
      quantityGrams: gramsOf(payload),
    };
    // A manifest's partial treatment leaves the rejected rest in the lot (`remaining`).
    if (type === 'TREATED')
      fact.closesLot = i === lastMeaningful && !((gramsOf({ quantity: payload.remaining ?? null }) ?? 0) > 0);
    return fact;
  });
}

/** A lot's facts, without lineage and holdingSince (set by the loader once the batch is known). */
export function lotFacts(lot: LotRow, events: readonly MovementRow[]): LotFacts {
  return {
    id: lot.id,
    wasteCode: lot.wasteCode,
    medicalClass: lot.medicalClass,
    generatorId: lot.generatorId,
    generatedAt: lot.generatedAt,
    quantityGrams: Number(lot.quantity),
    events: eventFacts(events),
    lineage: [],
    holdingSince: null,
    storageExtensionUntil: null,
    epidemicMode: false,
  };
}

/** The lot's quantity (grams) after each of its events, in seq order; null for a lot counted in pieces. */
export function runningGrams(lot: Pick<LotFacts, 'events'>, unit: 'g' | 'pcs'): number[] | null {
  if (unit !== 'g') return null;
  let q = 0;
  return [...lot.events].sort((a, b) => a.seq - b.seq).map((e) => (q = e.quantityGrams ?? q));
}

/**
 * Lineage facts, each recorded on the lot whose event made it: a split on its parent (the SPLIT
 * event; inputs: the parent's quantity at the split; outputs: the edges), a merge on the merged lot
 * (its MERGED genesis; inputs: the edges; output: its genesis quantity). Lots counted in pieces
 * are left out (MASS_BALANCE weighs grams).
 */
export function lineageFacts(
  lots: ReadonlyMap<string, { facts: LotFacts; unit: 'g' | 'pcs' }>,
  edges: readonly LineageRow[],
): Map<string, LineageFact[]> {
  const out = new Map<string, LineageFact[]>();
  const add = (lotId: string, fact: LineageFact) => out.set(lotId, [...(out.get(lotId) ?? []), fact]);
  const splits = new Map<string, LineageRow[]>();
  const merges = new Map<string, LineageRow[]>();
  for (const e of edges) {
    if (e.kind === 'SPLIT') splits.set(e.parentLotId, [...(splits.get(e.parentLotId) ?? []), e]);
    else merges.set(e.childLotId, [...(merges.get(e.childLotId) ?? []), e]);
  }
  for (const [parentId, children] of splits) {
    const parent = lots.get(parentId);
    if (!parent || parent.unit !== 'g') continue;
    const events = [...parent.facts.events].sort((a, b) => a.seq - b.seq);
    const index = events.findIndex((e, i) => i > 0 && e.type === 'SPLIT');
    if (index < 0) continue;
    const grams = runningGrams(parent.facts, 'g')!;
    add(parentId, {
      eventId: events[index].id,
      operation: 'SPLIT',
      occurredAt: events[index].occurredAt,
      inputs: [{ lotId: parentId, grams: index > 0 ? grams[index - 1] : 0 }],
      outputs: sortById(children.map((c) => ({ lotId: c.childLotId, grams: Number(c.quantity) }))),
    });
  }
  for (const [childId, parents] of merges) {
    const child = lots.get(childId);
    if (!child || child.unit !== 'g') continue;
    const genesis = [...child.facts.events].sort((a, b) => a.seq - b.seq)[0];
    if (!genesis) continue;
    add(childId, {
      eventId: genesis.id,
      operation: 'MERGE',
      occurredAt: genesis.occurredAt,
      inputs: sortById(parents.map((p) => ({ lotId: p.parentLotId, grams: Number(p.quantity) }))),
      outputs: [{ lotId: childId, grams: genesis.quantityGrams ?? child.facts.quantityGrams }],
    });
  }
  return out;
}

const sortById = <T extends { lotId: string }>(xs: T[]): T[] =>
  xs.sort((a, b) => (a.lotId < b.lotId ? -1 : a.lotId > b.lotId ? 1 : 0));

/**
 * Sets `holdingSince` on lots created by a split or merge: the start of the period during which
 * their creator held the parents (the earliest among the parents), followed up the lineage while
 * the creator stays the same, so that a split or merge does not restart a storage clock.
 *
 * @param lots every lot involved (the batch and its ancestors), by id
 * @param parentsOf lineage parents by child id
 */
export function assignHoldingSince(
  lots: ReadonlyMap<string, LotFacts>,
  parentsOf: ReadonlyMap<string, string[]>,
): void {
  const done = new Set<string>();
  const visit = (id: string, depth: number): void => {
    if (done.has(id) || depth > 64) return;
    const lot = lots.get(id);
    if (!lot) return;
    const parents = parentsOf.get(id) ?? [];
    const first = [...lot.events].sort((a, b) => a.seq - b.seq)[0];
    if (first && (first.type === 'SPLIT' || first.type === 'MERGED') && parents.length > 0) {
      const creator = first.organisationId;
      const at = toMs(first.occurredAt);
      let since: number | null = null;
      for (const parentId of parents) {
        visit(parentId, depth + 1);
        const parent = lots.get(parentId);
        if (!parent) continue;
        // The creator's holding period of the parent that was running when the parent was split/merged.
        const period = replayCustody(parent)
          .periods.filter((p) => p.holderId === creator && p.startAt <= at)
          .pop();
        if (period && (since === null || period.startAt < since)) since = period.startAt;
      }
      lot.holdingSince = since === null ? null : new Date(since);
    }
    done.add(id);
  };
  for (const id of lots.keys()) visit(id, 0);
}

/** Recomputes a lot's chain from the rows read with its head (ledger ChainVerifier). */
export function chainVerification(
  lot: Pick<LotRow, 'id' | 'headSeq' | 'headHash'>,
  rows: readonly EventRow[],
  verifiedAt: Date,
): Omit<ChainVerificationFacts, 'partyIds'> {
  const verifier = new ChainVerifier(lot.id);
  const sorted = [...rows].sort((a, b) => a.seq - b.seq);
  for (const r of sorted) {
    const stored: StoredEvent = {
      lotId: r.lotId,
      seq: r.seq,
      format: r.format,
      type: r.type,
      occurredAt: r.occurredAt.toISOString(),
      recordedAt: r.recordedAt.toISOString(),
      actor: { organisationId: r.actorOrganisationId, memberId: r.actorMemberId },
      payload: r.payload,
      prevHash: r.prevHash,
      hash: r.hash,
    };
    if (!verifier.push(stored)) break;
  }
  const verdict = verifier.finish({ seq: lot.headSeq, hash: lot.headHash });
  if (verdict.ok) return { lotId: lot.id, verifiedAt, ok: true, firstFailure: null, failureCount: 0 };
  const bad = sorted.find((r) => r.seq === verdict.firstBadSeq);
  return {
    lotId: lot.id,
    verifiedAt,
    ok: false,
    firstFailure: {
      seq: verdict.firstBadSeq,
      eventId: bad?.globalSeq ?? null,
      reason: `${verdict.fault}: ${verdict.detail}`,
    },
    failureCount: 1,
  };
}
