import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import {
  ConflictError,
  DomainError,
  ForbiddenError,
  NotFoundError,
  RuleViolationError,
  ValidationFailedError,
} from '../common/problem/domain-errors';
import { AppConfig } from '../config/app-config';
import type { StoredEvent } from './domain/chain-verifier';
import {
  GENESIS_HASH,
  ledgerJsonProblem,
  sealEvents,
  type EventActor,
  type LedgerObject,
  type SealedEvent,
} from './domain/event-hash';
import { checkOccurredAt } from './domain/ledger-time';
import { GENESIS_TYPES, LotPartyRole, type EventType } from './domain/ledger-types';
import {
  canSee,
  LedgerRepository,
  type LedgerEvent,
  type LotEffects,
  type LotHead,
  type LotViewer,
  type LotWrite,
  type NewLotRow,
  type PartyRow,
} from './ledger.repository';

/** One event to append: what happened, when (client time), its payload, and what it changes on the lot. */
export interface EventDraft {
  type: EventType;
  occurredAt: Date;
  /** Ledger JSON: objects, arrays, well-formed strings, safe integers, booleans, null. */
  payload: LedgerObject;
  effects?: LotEffects;
}

/** Who appends: recorded in every event (and hashed). */
export interface LedgerActor extends EventActor {
  /** Audit text of the credential's principal, e.g. `member:<uuid>` (lots.created_by). */
  actor: string;
}

export interface AppendOptions {
  actor: LedgerActor;
  /**
   * The organisation that must be the lot's custodian when the first draft is appended:
   * defaults to the actor's organisation; null when the caller has checked custody itself
   * (e.g. a carrier confirming pickup appends HANDED_OVER while the consignor is custodian).
   */
  expectedCustodianId?: string | null;
  /** Further organisations to record as parties to the lot (e.g. a manifest's parties). */
  parties?: readonly PartyRow[];
  /** Write the `reconciliation.lots-changed` outbox row with the events (default true). */
  outbox?: boolean;
}

/** An appended event as stored. */
export type AppendedEvent = LedgerEvent;

/**
 * The domain rules of one lots-API append: given the lot's head (as it will be when these
 * events follow), the drafts to append. `executor` is the connection in use, for any read the
 * rules need; `earlier` are events that precede the head but are not stored yet (appended by
 * the same statement, in the same group or batch): look there before reading the database.
 */
export type BuildDrafts = (
  head: LotHead,
  executor: EntityManager,
  earlier: readonly StoredEvent[],
) => readonly EventDraft[] | Promise<readonly EventDraft[]>;

/** One request of `appendToLot`. */
export type AppendToLotRequest = Omit<AppendOptions, 'outbox'> & {
  /** With a viewer, a lot the viewer may not see is reported as not found, before any other check. */
  viewer?: LotViewer;
  build: BuildDrafts;
};

/** One item of `appendBatch`: drafts for one lot, built on the lot's head as earlier items left it. */
export interface BatchItem {
  lotId: string;
  build: BuildDrafts;
}

/** Most requests to one lot written by one statement (`appendToLot` group commit). */
const MAX_GROUP = 64;

interface LaneRequest {
  request: AppendToLotRequest;
  resolve: (result: { head: LotHead; events: AppendedEvent[] }) => void;
  reject: (error: unknown) => void;
}

/** The chain of one lot as a statement extends it: the head after the events accepted so far. */
interface ChainCursor {
  /** The head the statement is conditional on. */
  base: LotHead;
  head: LotHead;
  events: SealedEvent[];
  effects: LotEffects;
  parties: PartyRow[];
}

/**
 * The append engine. Every write to a lot's chain goes through here: it numbers and links
 * events (seq, prevHash, hash), enforces the clock and custodian rules, applies the events'
 * effects to the lot row, records new parties and writes the outbox row, all in one statement.
 *
 * Three ways in:
 * - `appendToLot` (the lots API's hot path, one request per call): requests to the same lot
 *   are queued in this process and written together (**group commit**): while a statement
 *   for a lot is in flight, the requests that arrive for it wait, then all of them are linked
 *   onto the head in arrival order and written by one statement. An idle lot is written at
 *   once (a group of one), so light load keeps its latency. Each group reads the head without
 *   locking and appends on the condition that it has not moved (`head_seq` compare-and-set);
 *   if another process (or a transaction below) won the race, the group runs again in a
 *   transaction that locks the lot row first.
 * - `appendBatch`: events for many lots in one transaction (the batch endpoint): the lots are
 *   locked in id order, every item is checked and linked, one statement writes them all; any
 *   refusal refuses the whole batch.
 * - `lockLots` + `appendEvents` inside a caller's transaction (split, merge, manifests): the
 *   lot rows are locked (`FOR NO KEY UPDATE`, in id order) for the rest of the transaction.
 *
 * Lots are locked FOR NO KEY UPDATE, not FOR UPDATE: writers still exclude each other, but not
 * the KEY SHARE locks that foreign-key checks take on a lot (another transaction inserting its
 * events' log entries, parties or events), which would otherwise deadlock with them.
 */
@Injectable()
export class LedgerWriter {
  /** Per lot: requests waiting while a group for that lot is being written. */
  private readonly lanes = new Map<string, LaneRequest[]>();

  constructor(
    private readonly repository: LedgerRepository,
    private readonly config: AppConfig,
  ) {}

  /** Runs `work` in one database transaction (for lockLots / appendEvents / openLot). */
  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.repository.transaction(work);
  }

  /**
   * Locks lots for the rest of the caller's transaction, in ascending id order (so that two
   * transactions locking overlapping sets cannot deadlock), and returns their heads by id.
   * Unknown ids are absent from the map.
   */
  async lockLots(manager: EntityManager, lotIds: readonly string[], viewer?: LotViewer): Promise<Map<string, LotHead>> {
    const heads = await this.repository.readHeads(manager, lotIds, { forUpdate: true, viewer });
    return new Map(heads.map((h) => [h.id, h]));
  }

  /** Reads lot heads without locking (for checks before a write). */
  async readHeads(lotIds: readonly string[], viewer?: LotViewer): Promise<Map<string, LotHead>> {
    const heads = await this.repository.readHeads(this.repository.autocommit, lotIds, { viewer });
    return new Map(heads.map((h) => [h.id, h]));
  }

  /**
   * Appends `drafts` to a lot inside the caller's transaction: locks the lot (a no-op if the
   * caller already did), checks the custodian rule and the clock rule, links the events onto
   * the chain, updates the lot (custodian, status, quantity, … from the drafts' effects; a new
   * custodian becomes a party), adds `options.parties`, and writes the outbox row.
   *
   * @throws NotFoundError the lot does not exist
   * @throws ForbiddenError code `not-custodian`: the expected custodian is not the lot's custodian
   * @throws RuleViolationError `occurred-at-in-future` / `occurred-at-before-previous-event`
   */
  async appendEvents(
    manager: EntityManager,
    lotId: string,
    drafts: readonly EventDraft[],
    options: AppendOptions,
  ): Promise<AppendedEvent[]> {
    const [head] = await this.repository.readHeads(manager, [lotId], { forUpdate: true });
    if (!head) throw new NotFoundError('Lot', lotId);
    this.checkCustodian(head, options);
    const cursor = newCursor(head);
    const now = new Date();
    const sealed = this.extend(cursor, drafts, now, options);
    const written = await this.write(manager, [cursor], now, options.outbox ?? true);
    if (!written) throw new Error(`lot ${lotId} moved while locked`);
    const seqs = written.get(lotId)!;
    return sealed.map((e, i) => toAppended(lotId, e, seqs[i]));
  }

  /**
   * Appends drafts to lots the caller locked in this transaction (`lockLots`, whose heads it
   * passes): the same checks as `appendEvents`, item by item in the given order (custodian,
   * payload, clock: the first refusal is thrown), then one statement writes every lot's events
   * — instead of a head read and an append statement per lot.
   *
   * @throws NotFoundError a lot is not among `heads`
   * @throws ForbiddenError code `not-custodian` (extensions: lotId)
   * @throws RuleViolationError `occurred-at-in-future` / `occurred-at-before-previous-event`
   */
  async appendLocked(
    manager: EntityManager,
    heads: ReadonlyMap<string, LotHead>,
    items: ReadonlyArray<{ lotId: string; drafts: readonly EventDraft[] }>,
    options: AppendOptions,
  ): Promise<AppendedEvent[][]> {
    const cursors = new Map<string, ChainCursor>();
    const now = new Date();
    const sealed: SealedEvent[][] = [];
    for (const { lotId, drafts } of items) {
      const head = heads.get(lotId);
      if (!head) throw new NotFoundError('Lot', lotId);
      let cursor = cursors.get(lotId);
      if (!cursor) cursors.set(lotId, (cursor = newCursor(head)));
      this.checkCustodian(cursor.head, options);
      sealed.push(this.extend(cursor, drafts, now, options));
    }
    const written = await this.write(manager, [...cursors.values()], now, options.outbox ?? true);
    if (!written) throw new Error('a locked lot moved during a step');
    return sealed.map((events, i) => {
      const lotId = items[i].lotId;
      const cursor = cursors.get(lotId)!;
      const seqs = written.get(lotId)!;
      return events.map((e) => toAppended(lotId, e, seqs[cursor.events.indexOf(e)]));
    });
  }

  /**
   * The lots API's append of one request (see the class comment: requests to one lot are
   * grouped into one statement). `build` applies the domain rules to the head the request's
   * events will follow. Each request succeeds or fails on its own, as if it were alone: a
   * request refused by a rule does not hold back the others of its group.
   */
  appendToLot(lotId: string, request: AppendToLotRequest): Promise<{ head: LotHead; events: AppendedEvent[] }> {
    return new Promise((resolve, reject) => {
      const waiting = this.lanes.get(lotId);
      if (waiting) {
        waiting.push({ request, resolve, reject });
        return;
      }
      this.lanes.set(lotId, []);
      void this.drain(lotId, [{ request, resolve, reject }]);
    });
  }

  /** Writes groups for a lot until no request is waiting for it. Never rejects. */
  private async drain(lotId: string, first: LaneRequest[]): Promise<void> {
    let group = first;
    for (;;) {
      await this.appendGroup(lotId, group);
      const waiting = this.lanes.get(lotId)!;
      if (waiting.length === 0) break;
      group = waiting.splice(0, MAX_GROUP);
    }
    this.lanes.delete(lotId);
  }

  private async appendGroup(lotId: string, group: LaneRequest[]): Promise<void> {
    try {
      const settle = await this.attemptGroup(this.repository.autocommit, lotId, group, false);
      if (settle) return settle();
      const locked = await this.repository.transaction((m) => this.attemptGroup(m, lotId, group, true));
      if (!locked) throw new Error(`lot ${lotId} moved while locked`);
      locked();
    } catch (error) {
      // The statement was refused (e.g. a label code taken meanwhile): one request caused it,
      // so each request runs again alone, and only the one at fault fails. Any other failure
      // (the connection, …) fails the group: whether it was written is unknown, and running it
      // again could write it twice.
      if (group.length > 1 && isRefusal(error)) {
        for (const r of group) await this.appendGroup(lotId, [r]);
      } else {
        group.forEach((r) => r.reject(error));
      }
    }
  }

  /**
   * One attempt at a group: reads the head (locked or not), links every request that passes
   * its checks onto it, and writes them with one compare-and-set statement. Returns how to
   * settle the requests, or null when the head moved (nothing was written or settled).
   */
  private async attemptGroup(
    executor: EntityManager,
    lotId: string,
    group: LaneRequest[],
    lock: boolean,
  ): Promise<(() => void) | null> {
    const head = await this.repository.readHeadWithParties(executor, lotId, { forUpdate: lock });
    if (!head) return () => group.forEach((r) => r.reject(new NotFoundError('Lot', lotId)));
    const cursor = newCursor(head);
    const now = new Date();
    const outcomes: Array<{ ok: true; head: LotHead; events: SealedEvent[] } | { ok: false; error: unknown }> = [];
    for (const { request } of group) {
      try {
        if (request.viewer && !canSee(head, request.viewer)) throw new NotFoundError('Lot', lotId);
        this.checkCustodian(cursor.head, request);
        const before = cursor.head;
        const drafts = await request.build(before, executor, storedEvents(lotId, cursor.events));
        const events = this.extend(cursor, drafts, now, request);
        outcomes.push({ ok: true, head: before, events });
      } catch (error) {
        outcomes.push({ ok: false, error });
      }
    }
    const written = cursor.events.length > 0 ? await this.write(executor, [cursor], now, true) : new Map();
    if (!written) return null;
    const globalSeqs = written.get(lotId) ?? [];
    return () => {
      let k = 0;
      outcomes.forEach((outcome, i) => {
        if (!outcome.ok) return group[i].reject(outcome.error);
        const events = outcome.events.map((e) => toAppended(lotId, e, globalSeqs[k++]));
        group[i].resolve({ head: outcome.head, events });
      });
    };
  }

  /**
   * Appends events to many lots at once, all or nothing, in one transaction: the lots are
   * locked in id order, each item is checked (visibility for `viewer`, custodian, the rules in
   * `build`, clock) on the lot's head as the earlier items of the batch left it, and one
   * statement writes every event and a single outbox row naming every lot. Returns each item's
   * events, in item order.
   *
   * @throws the first refusal, with `index` (the item's position) and `lotId` in its extensions
   */
  async appendBatch(
    items: readonly BatchItem[],
    options: Omit<AppendOptions, 'outbox' | 'parties'> & { viewer?: LotViewer },
  ): Promise<AppendedEvent[][]> {
    return this.repository.transaction(async (m) => {
      const heads = await this.lockLots(m, [...new Set(items.map((i) => i.lotId))], options.viewer);
      const cursors = new Map<string, ChainCursor>();
      const now = new Date();
      const sealed: SealedEvent[][] = [];
      for (let i = 0; i < items.length; i++) {
        const { lotId, build } = items[i];
        try {
          const head = heads.get(lotId);
          if (!head || (head.viewer && !head.viewer.party && !head.viewer.inJurisdiction)) {
            throw new NotFoundError('Lot', lotId);
          }
          let cursor = cursors.get(lotId);
          if (!cursor) cursors.set(lotId, (cursor = newCursor(head)));
          this.checkCustodian(cursor.head, options);
          const drafts = await build(cursor.head, m, storedEvents(lotId, cursor.events));
          sealed.push(this.extend(cursor, drafts, now, options));
        } catch (error) {
          if (error instanceof DomainError) Object.assign(error.extensions, { index: i, lotId });
          throw error;
        }
      }
      const written = await this.write(m, [...cursors.values()], now, true);
      if (!written || written.size !== cursors.size) throw new Error('a locked lot moved during a batch');
      return sealed.map((events, i) => {
        const lotId = items[i].lotId;
        const cursor = cursors.get(lotId)!;
        const seqs = written.get(lotId)!;
        return events.map((e) => toAppended(lotId, e, seqs[cursor.events.indexOf(e)]));
      });
    });
  }

  /**
   * Creates a lot with its genesis event (GENERATED, SPLIT_FROM or MERGED_FROM); the creator
   * is its generator, custodian and first party. With a manager, inside that transaction;
   * without, as one autocommit statement.
   */
  async openLot(
    manager: EntityManager | null,
    lot: NewLotRow,
    genesis: EventDraft,
    options: { actor: LedgerActor; outbox?: boolean },
  ): Promise<AppendedEvent> {
    if (!GENESIS_TYPES.has(genesis.type)) throw new Error(`${genesis.type} cannot start a chain`);
    this.checkPayload(genesis);
    const now = new Date();
    this.checkClock([genesis], now, null);
    const [sealed] = sealEvents(lot.id, { seq: 0, hash: GENESIS_HASH }, [genesis], now, options.actor);
    const globalSeq = await this.mapWriteErrors(() =>
      this.repository.insertLot(manager ?? this.repository.autocommit, {
        lot,
        genesis: sealed,
        occurredAt: genesis.occurredAt,
        recordedAt: now,
        actor: options.actor,
        party: { organisationId: lot.generatorOrganisationId, role: LotPartyRole.GENERATOR },
        outbox: options.outbox ?? true,
      }),
    );
    return toAppended(lot.id, sealed, globalSeq);
  }

  /** Records further parties to lots (manifests: consignor, carriers, consignee). */
  async addParties(manager: EntityManager, lotIds: readonly string[], parties: readonly PartyRow[]): Promise<void> {
    await this.repository.addParties(manager, lotIds, parties, new Date());
  }

  /** One `reconciliation.lots-changed` outbox row for a batch written with `outbox: false`. */
  async notifyChanged(manager: EntityManager, lotIds: readonly string[]): Promise<void> {
    await this.repository.enqueueLotsChanged(manager, [...new Set(lotIds)]);
  }

  private checkCustodian(head: LotHead, options: Pick<AppendOptions, 'actor' | 'expectedCustodianId'>): void {
    const expected =
      options.expectedCustodianId === undefined ? options.actor.organisationId : options.expectedCustodianId;
    if (expected !== null && head.custodianOrganisationId !== expected) {
      throw new ForbiddenError(`Only the lot's current custodian may record its events`, 'not-custodian', {
        lotId: head.id,
      });
    }
  }

  /**
   * Checks drafts (genesis types, payloads, clock) against the cursor's head and links them
   * onto it: the cursor moves to the head after them, collecting their effects and parties.
   * Returns the sealed events. Throws (leaving the cursor as it was) when a draft is refused.
   */
  private extend(
    cursor: ChainCursor,
    drafts: readonly EventDraft[],
    now: Date,
    options: Pick<AppendOptions, 'actor' | 'parties'>,
  ): SealedEvent[] {
    if (drafts.length === 0) throw new Error('nothing to append');
    for (const draft of drafts) {
      if (GENESIS_TYPES.has(draft.type)) throw new Error(`${draft.type} can only start a chain`);
      this.checkPayload(draft);
    }
    const head = cursor.head;
    this.checkClock(drafts, now, head.occurredAt);
    // Later drafts win; an effect left undefined changes nothing.
    const effects: LotEffects = Object.assign(
      {},
      ...drafts.map((d) => Object.fromEntries(Object.entries(d.effects ?? {}).filter(([, v]) => v !== undefined))),
    );
    const parties: PartyRow[] = [...(options.parties ?? [])];
    if (effects.custodianOrganisationId && effects.custodianOrganisationId !== head.custodianOrganisationId) {
      parties.unshift({ organisationId: effects.custodianOrganisationId, role: LotPartyRole.CUSTODIAN });
    }
    const sealed = sealEvents(head.id, head, drafts, now, options.actor);
    const last = sealed[sealed.length - 1];
    cursor.head = {
      ...head,
      ...effects,
      seq: last.content.seq,
      hash: last.hash,
      occurredAt: drafts[drafts.length - 1].occurredAt,
    };
    cursor.events.push(...sealed);
    Object.assign(cursor.effects, effects);
    cursor.parties = dedupeParties([...cursor.parties, ...parties]);
    return sealed;
  }

  /** Writes cursors (one statement); null when a lot's head had moved (then nothing is written). */
  private async write(
    executor: EntityManager,
    cursors: readonly ChainCursor[],
    now: Date,
    outbox: boolean,
  ): Promise<Map<string, string[]> | null> {
    const writes: LotWrite[] = cursors.map((c) => ({
      lotId: c.base.id,
      expectedSeq: c.base.seq,
      events: c.events,
      occurredAt: c.head.occurredAt,
      effects: c.effects,
      parties: c.parties,
    }));
    const written = await this.mapWriteErrors(() =>
      this.repository.appendLots(executor, writes, { recordedAt: now, outbox }),
    );
    return written.size === cursors.length ? written : null;
  }

  private checkPayload(draft: EventDraft): void {
    const problem = ledgerJsonProblem(draft.payload);
    if (problem) throw new ValidationFailedError(`The ${draft.type} event cannot be recorded: ${problem}`);
  }

  private checkClock(drafts: readonly EventDraft[], now: Date, previous: Date | null): void {
    let prev = previous;
    for (const draft of drafts) {
      const problem = checkOccurredAt(draft.occurredAt, {
        now,
        skewSeconds: this.config.CLOCK_SKEW_SECONDS,
        previous: prev,
      });
      if (problem) throw new RuleViolationError(problem.code, problem.message, { field: 'occurredAt' });
      prev = draft.occurredAt;
    }
  }

  private async mapWriteErrors<T>(write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } catch (error) {
      const e = error as { code?: string; constraint?: string };
      if (e.code === '23505' && e.constraint === 'uq_lots_label_code') {
        throw new ConflictError('label-code-taken', 'Another lot already carries this label code');
      }
      throw error;
    }
  }
}

/** A domain refusal or an integrity-constraint violation: nothing was written. */
function isRefusal(error: unknown): boolean {
  return error instanceof DomainError || /^23/.test(String((error as { code?: unknown }).code ?? ''));
}

function newCursor(head: LotHead): ChainCursor {
  return { base: head, head, events: [], effects: {}, parties: [] };
}

/** Sealed, not yet stored events as the rules read them. */
function storedEvents(lotId: string, events: readonly SealedEvent[]): StoredEvent[] {
  return events.map((e) => toAppended(lotId, e, ''));
}

function dedupeParties(parties: readonly PartyRow[]): PartyRow[] {
  const seen = new Set<string>();
  return parties.filter((p) => !seen.has(p.organisationId) && seen.add(p.organisationId));
}

function toAppended(lotId: string, sealed: ReturnType<typeof sealEvents>[number], globalSeq: string): AppendedEvent {
  const c = sealed.content;
  return {
    lotId,
    seq: c.seq,
    globalSeq,
    format: c.v,
    type: c.type,
    occurredAt: c.occurredAt,
    recordedAt: c.recordedAt,
    actor: c.actor,
    payload: c.payload,
    prevHash: c.prevHash,
    hash: sealed.hash,
  };
}
