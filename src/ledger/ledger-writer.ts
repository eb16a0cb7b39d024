import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  RuleViolationError,
  ValidationFailedError,
} from '../common/problem/domain-errors';
import { AppConfig } from '../config/app-config';
import { GENESIS_HASH, ledgerJsonProblem, sealEvents, type EventActor, type LedgerObject } from './domain/event-hash';
import { checkOccurredAt } from './domain/ledger-time';
import { GENESIS_TYPES, LotPartyRole, type EventType } from './domain/ledger-types';
import {
  LedgerRepository,
  type LedgerEvent,
  type LotEffects,
  type LotHead,
  type LotViewer,
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
 * The append engine. Every write to a lot's chain goes through here: it numbers and links
 * events (seq, prevHash, hash), enforces the clock and custodian rules, applies the events'
 * effects to the lot row, records new parties and writes the outbox row, all in one statement.
 *
 * Two ways in:
 * - `appendToLot` (the lots API's hot path): reads the head without locking, then appends on
 *   the condition that the head has not moved (`head_seq` compare-and-set). Two round trips, no
 *   explicit transaction; after a lost race, it waits its turn on the lot's row lock.
 * - `lockLots` + `appendEvents` inside a caller's transaction (split, merge, manifests): the
 *   lot rows are locked (`FOR UPDATE`, in id order) for the rest of the transaction.
 */
@Injectable()
export class LedgerWriter {
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
    const written = await this.tryAppend(manager, head, drafts, options);
    if (!written) throw new Error(`lot ${lotId} moved while locked`);
    return written;
  }

  /**
   * The lots API's append. First attempt: read the head without a lock, let `build` apply the
   * domain rules and produce the drafts, and append on the condition that the head has not
   * moved (one statement, autocommit). If another append won the race, the second attempt
   * queues on the lot's row lock (`FOR UPDATE` in a transaction) instead of spinning, so a hot
   * lot degrades to first-come, first-served rather than to retries.
   * With a viewer, a lot the viewer may not see is reported as not found (before any other
   * check), so that its existence does not leak.
   */
  async appendToLot(
    lotId: string,
    request: Omit<AppendOptions, 'outbox'> & {
      viewer?: LotViewer;
      /** Domain rules; `executor` is the connection in use, for any read the rules need. */
      build: (head: LotHead, executor: EntityManager) => readonly EventDraft[] | Promise<readonly EventDraft[]>;
    },
  ): Promise<{ head: LotHead; events: AppendedEvent[] }> {
    const optimistic = await this.attemptAppend(this.repository.autocommit, lotId, request, false);
    if (optimistic) return optimistic;
    return this.repository.transaction(async (manager) => {
      const locked = await this.attemptAppend(manager, lotId, request, true);
      if (!locked) throw new Error(`lot ${lotId} moved while locked`);
      return locked;
    });
  }

  private async attemptAppend(
    executor: EntityManager,
    lotId: string,
    request: Parameters<LedgerWriter['appendToLot']>[1],
    lock: boolean,
  ): Promise<{ head: LotHead; events: AppendedEvent[] } | null> {
    const [head] = await this.repository.readHeads(executor, [lotId], { viewer: request.viewer, forUpdate: lock });
    if (!head || (head.viewer && !head.viewer.party && !head.viewer.inJurisdiction)) {
      throw new NotFoundError('Lot', lotId);
    }
    this.checkCustodian(head, request);
    const drafts = await request.build(head, executor);
    const events = await this.tryAppend(executor, head, drafts, request);
    return events && { head, events };
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

  private async tryAppend(
    executor: EntityManager,
    head: LotHead,
    drafts: readonly EventDraft[],
    options: AppendOptions,
  ): Promise<AppendedEvent[] | null> {
    if (drafts.length === 0) throw new Error('nothing to append');
    this.checkCustodian(head, options);
    for (const draft of drafts) {
      if (GENESIS_TYPES.has(draft.type)) throw new Error(`${draft.type} can only start a chain`);
      this.checkPayload(draft);
    }
    const now = new Date();
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
    const globalSeqs = await this.mapWriteErrors(() =>
      this.repository.append(executor, {
        lotId: head.id,
        expectedSeq: head.seq,
        events: sealed,
        occurredAt: drafts[drafts.length - 1].occurredAt,
        recordedAt: now,
        actor: options.actor,
        effects,
        parties: dedupeParties(parties),
        outbox: options.outbox ?? true,
      }),
    );
    return globalSeqs && sealed.map((s, i) => toAppended(head.id, s, globalSeqs[i]));
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
