import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { retryTransient } from '../database/transient-retry';
import { prepared, runPrepared } from '../database/prepared';
import type { StoredEvent } from './domain/chain-verifier';
import type { EventActor, LedgerObject, SealedEvent } from './domain/event-hash';
import { LEDGER_FORMAT } from './domain/event-hash';
import type { BaseUnit, LotPartyRole, LotStatus, QuantityMethod } from './domain/ledger-types';

/** Who may look at a lot: an organisation, and for a regulator its jurisdiction (region-code prefix). */
export interface LotViewer {
  organisationId: string;
  jurisdictionPrefix: string | null;
}

/** A lot's current state and the head of its chain. */
export interface LotHead {
  id: string;
  /** seq of the last event (0 never happens: a lot is created with its genesis event). */
  seq: number;
  /** hash of the last event, lowercase hex. */
  hash: string;
  /** occurredAt of the last event. */
  occurredAt: Date;
  /** When the chain began (recordedAt of seq 1): the partition key of the lot's events. */
  createdAt: Date;
  status: LotStatus;
  custodianOrganisationId: string;
  generatorOrganisationId: string;
  wasteCode: string;
  identificationRef: string | null;
  quantity: bigint;
  quantityUnit: BaseUnit;
  quantityMethod: QuantityMethod;
  labelCode: string;
  packagingType: string;
  containerCount: number;
  /** Filled when the read named a viewer. */
  viewer?: { party: boolean; inJurisdiction: boolean };
}

/** Lot columns an event may change. */
export interface LotEffects {
  status?: LotStatus;
  custodianOrganisationId?: string;
  quantity?: bigint;
  quantityMethod?: QuantityMethod;
  labelCode?: string;
  packagingType?: string;
  containerCount?: number;
}

export interface NewLotRow {
  id: string;
  labelCode: string;
  labelCodeIssued: boolean;
  wasteCode: string;
  wasteCategory: string;
  catalogueEditionId: string;
  medicalClass: string | null;
  identificationRef: string | null;
  quantity: bigint;
  quantityUnit: BaseUnit;
  quantityMethod: QuantityMethod;
  physicalForm: string;
  packagingType: string;
  containerCount: number;
  generatorOrganisationId: string;
  status: LotStatus;
  createdBy: string;
}

export interface PartyRow {
  organisationId: string;
  role: LotPartyRole;
}

/** What one lot gets in an append statement. */
export interface LotWrite {
  lotId: string;
  /** The head the events were linked to: the write happens only if the lot is still there. */
  expectedSeq: number;
  events: readonly SealedEvent[];
  /** occurredAt of the last event (the lot's new head_occurred_at). */
  occurredAt: Date;
  effects: LotEffects;
  parties: readonly PartyRow[];
}

/** A lot's head with every party to it (organisation and the region it is registered in). */
export interface HeadWithParties extends LotHead {
  parties: ReadonlyArray<{ organisationId: string; regionCode: string }>;
}

/** Whether a viewer may see a lot: a party to it, or a regulator over a party's region (as `readHeads`). */
export function canSee(head: HeadWithParties, viewer: LotViewer): boolean {
  if (head.parties.some((p) => p.organisationId === viewer.organisationId)) return true;
  if (!viewer.jurisdictionPrefix) return false;
  const [from, to] = regionRange(viewer.jurisdictionPrefix);
  return head.parties.some((p) => p.regionCode >= from && p.regionCode <= to);
}

/** An event as written, with its global sequence number. */
export interface LedgerEvent extends StoredEvent {
  globalSeq: string;
}

const HEAD_COLUMNS = `
  l.id, l.head_seq AS seq, encode(l.head_hash, 'hex') AS hash, l.head_occurred_at AS "occurredAt",
  l.created_at AS "createdAt", l.status, l.custodian_organisation_id AS "custodianOrganisationId",
  l.generator_organisation_id AS "generatorOrganisationId", l.waste_code AS "wasteCode",
  l.identification_ref AS "identificationRef", l.quantity::text AS quantity, l.quantity_unit AS "quantityUnit",
  l.quantity_method AS "quantityMethod", l.label_code AS "labelCode", l.packaging_type AS "packagingType",
  l.container_count AS "containerCount"`;

const VIEWER_COLUMNS = `,
  EXISTS (SELECT 1 FROM lot_parties p WHERE p.lot_id = l.id AND p.organisation_id = $2::uuid) AS "viewerParty",
  ($3::varchar IS NOT NULL AND EXISTS (
     SELECT 1 FROM lot_parties p WHERE p.lot_id = l.id AND p.region_code BETWEEN $3::varchar AND $4::varchar))
   AS "viewerJurisdiction"`;

/**
 * The events of a statement, as one JSON parameter (jsonb_to_recordset): no per-event round
 * trip, however many events a batch holds.
 */
const EVENTS_RECORDSET = `jsonb_to_recordset($EVENTS::jsonb) AS e(
  seq integer, type custody_event_type, occurred_at timestamptz, payload jsonb, prev_hash text, hash text)`;

/** Mirrors OutboxRepository.enqueue for the one job the ledger writes, inside the append statement. */
const OUTBOX_JOB = 'reconciliation.lots-changed';

const READ_HEADS_SQL = `SELECT ${HEAD_COLUMNS}${VIEWER_COLUMNS}
   FROM lots l
  WHERE l.id = ANY($1::uuid[])
  ORDER BY l.id`;
const READ_HEADS = prepared(READ_HEADS_SQL);
/**
 * Writers lock lot rows FOR NO KEY UPDATE (what their UPDATE of the head takes anyway): it
 * excludes every other writer as FOR UPDATE does, but not the FOR KEY SHARE locks that foreign
 * keys to lots take on insert (log entries, reservations, lines…). With FOR UPDATE, the
 * transparency log inserting entries of several lots (global_seq order) while a step or batch
 * locked them in id order deadlocked.
 */
const READ_HEADS_FOR_UPDATE = prepared(`${READ_HEADS_SQL}
  FOR NO KEY UPDATE OF l`);

const READ_HEAD_WITH_PARTIES_SQL = `SELECT ${HEAD_COLUMNS},
       (SELECT array_agg(p.organisation_id::text || ' ' || p.region_code) FROM lot_parties p WHERE p.lot_id = l.id)
         AS parties
  FROM lots l
 WHERE l.id = $1`;
const READ_HEAD_WITH_PARTIES = prepared(READ_HEAD_WITH_PARTIES_SQL);
const READ_HEAD_WITH_PARTIES_FOR_UPDATE = prepared(`${READ_HEAD_WITH_PARTIES_SQL}
   FOR NO KEY UPDATE OF l`);

/**
 * The append statement. `label_code` is set only by the variant for writes that relabel: with a
 * BEFORE UPDATE trigger on lots, PostgreSQL takes the row lock for the columns an UPDATE names,
 * and naming a column with a unique index (a possible foreign-key target) takes FOR UPDATE, which
 * waits for the KEY SHARE locks of foreign-key checks (the checkpoint job inserting log entries of
 * the lot) — and could deadlock with them. Without it, the update takes FOR NO KEY UPDATE.
 */
const appendLotsStatement = (relabel: boolean) =>
  prepared(`WITH w AS (
         SELECT * FROM jsonb_to_recordset($1::jsonb) AS w(
           lot_id uuid, expected_seq integer, head_seq integer, head_hash text, head_occurred_at timestamptz,
           status lot_status, custodian_organisation_id uuid, quantity bigint, quantity_method quantity_method,
           label_code varchar, packaging_type packaging_type, container_count integer)
       ), head AS (
         UPDATE lots l
            SET head_seq = w.head_seq, head_hash = decode(w.head_hash, 'hex'), head_occurred_at = w.head_occurred_at,
                updated_at = $3,
                status = COALESCE(w.status, l.status),
                custodian_organisation_id = COALESCE(w.custodian_organisation_id, l.custodian_organisation_id),
                quantity = COALESCE(w.quantity, l.quantity),
                quantity_method = COALESCE(w.quantity_method, l.quantity_method),
                ${relabel ? 'label_code = COALESCE(w.label_code, l.label_code),' : ''}
                packaging_type = COALESCE(w.packaging_type, l.packaging_type),
                container_count = COALESCE(w.container_count, l.container_count)
           FROM w
          WHERE l.id = w.lot_id AND l.head_seq = w.expected_seq
          RETURNING l.id, l.created_at
       ), events AS (
         INSERT INTO custody_events (lot_id, seq, chain_started_at, format, type, occurred_at, recorded_at,
                                     actor_organisation_id, actor_member_id, payload, prev_hash, hash)
         SELECT head.id, e.seq, head.created_at, ${LEDGER_FORMAT}, e.type, e.occurred_at, $3,
                e.actor_organisation_id, e.actor_member_id, e.payload, decode(e.prev_hash, 'hex'), decode(e.hash, 'hex')
           FROM jsonb_to_recordset($2::jsonb) AS e(ord integer, lot_id uuid, seq integer, type custody_event_type,
                occurred_at timestamptz, actor_organisation_id uuid, actor_member_id uuid, payload jsonb,
                prev_hash text, hash text)
           JOIN head ON head.id = e.lot_id
          ORDER BY e.ord
         RETURNING lot_id, seq, global_seq
       ), parties AS (
         INSERT INTO lot_parties (lot_id, organisation_id, region_code, role, since)
         SELECT head.id, o.id, o.region_code, p.role, $3
           FROM jsonb_to_recordset($4::jsonb) AS p(lot_id uuid, organisation_id uuid, role lot_party_role)
           JOIN head ON head.id = p.lot_id
           JOIN organisations o ON o.id = p.organisation_id
         ON CONFLICT (lot_id, organisation_id) DO NOTHING
       ), outbox AS (
         INSERT INTO outbox_messages (job_name, payload)
         SELECT '${OUTBOX_JOB}', jsonb_build_object('lotIds', jsonb_agg(head.id ORDER BY head.id))
           FROM head
         HAVING $5::boolean AND count(*) > 0
       )
       SELECT lot_id, global_seq::text AS global_seq FROM events ORDER BY lot_id, seq`);
const APPEND_LOTS = appendLotsStatement(false);
const APPEND_LOTS_RELABEL = appendLotsStatement(true);

const INSERT_LOT = prepared(`WITH lot AS (
         INSERT INTO lots (id, label_code, label_code_issued, waste_code, waste_category, catalogue_edition_id,
                           medical_class, identification_ref, quantity, quantity_unit, quantity_method,
                           physical_form, packaging_type, container_count, generator_organisation_id,
                           custodian_organisation_id, status, generated_at, head_seq, head_hash, head_occurred_at,
                           created_at, updated_at, created_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $15, $16, $17, 1,
                 decode($18, 'hex'), $17, $19, $19, $20)
         RETURNING id, created_at
       ), events AS (
         INSERT INTO custody_events (lot_id, seq, chain_started_at, format, type, occurred_at, recorded_at,
                                     actor_organisation_id, actor_member_id, payload, prev_hash, hash)
         SELECT lot.id, e.seq, lot.created_at, ${LEDGER_FORMAT}, e.type, e.occurred_at, $19, $22, $23, e.payload,
                decode(e.prev_hash, 'hex'), decode(e.hash, 'hex')
           FROM lot, ${EVENTS_RECORDSET.replace('$EVENTS', '$21')}
         RETURNING global_seq
       ), parties AS (
         INSERT INTO lot_parties (lot_id, organisation_id, region_code, role, since)
         SELECT lot.id, o.id, o.region_code, $25::lot_party_role, $19
           FROM lot JOIN organisations o ON o.id = $24::uuid
       ), outbox AS (
         INSERT INTO outbox_messages (job_name, payload)
         SELECT '${OUTBOX_JOB}', jsonb_build_object('lotIds', jsonb_build_array(lot.id)) FROM lot WHERE $26
       )
       SELECT global_seq::text AS global_seq FROM events`);

const READ_EVENTS =
  prepared(`SELECT lot_id, seq, global_seq::text AS global_seq, format, type, occurred_at, recorded_at,
              actor_organisation_id, actor_member_id, payload, encode(prev_hash, 'hex') AS prev_hash,
              encode(hash, 'hex') AS hash
         FROM custody_events
        WHERE lot_id = $1 AND chain_started_at = $2 AND seq > $3
        ORDER BY seq
        LIMIT $4`);

/** An event's columns as verification needs them: times already in the ledger's ISO form, hashes in hex. */
const CHAIN_EVENT_COLUMNS = `e.seq, e.format, e.type,
  to_char(e.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS occurred_at,
  to_char(e.recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS recorded_at,
  e.actor_organisation_id, e.actor_member_id, e.payload,
  encode(e.prev_hash, 'hex') AS prev_hash, encode(e.hash, 'hex') AS hash`;

/**
 * The head of a lot, whether a viewer may see it ($2–$4, all null: no viewer), and (if so) its
 * first $5 events after seq $6, in one statement: one snapshot, one round trip. The first row
 * carries the head (event columns null), the others the events (head columns null).
 */
const READ_CHAIN_START = prepared(`WITH h AS (
  SELECT l.id, l.head_seq, encode(l.head_hash, 'hex') AS head_hash, l.created_at,
         ($2::uuid IS NULL
          OR EXISTS (SELECT 1 FROM lot_parties p WHERE p.lot_id = l.id AND p.organisation_id = $2::uuid)
          OR ($3::varchar IS NOT NULL AND EXISTS (
                SELECT 1 FROM lot_parties p WHERE p.lot_id = l.id AND p.region_code BETWEEN $3::varchar AND $4::varchar)))
           AS visible
    FROM lots l WHERE l.id = $1)
SELECT h.head_seq, h.head_hash, h.visible, (extract(epoch FROM h.created_at) * 1000)::float8 AS chain_started_ms,
       NULL::integer AS seq, NULL::smallint AS format, NULL::custody_event_type AS type, NULL::text AS occurred_at,
       NULL::text AS recorded_at, NULL::uuid AS actor_organisation_id, NULL::uuid AS actor_member_id,
       NULL::jsonb AS payload, NULL::text AS prev_hash, NULL::text AS hash
  FROM h
UNION ALL
SELECT NULL, NULL, NULL, NULL, e.*
  FROM h
  CROSS JOIN LATERAL (
    SELECT ${CHAIN_EVENT_COLUMNS}
      FROM custody_events e
     WHERE h.visible AND e.lot_id = h.id AND e.chain_started_at = h.created_at AND e.seq > $6
     ORDER BY e.seq
     LIMIT $5) e
 ORDER BY seq NULLS FIRST`);

/** The events of a chain after seq $3 (the partition key $2 from the lot row), for a cursor. */
const READ_CHAIN_AFTER = `SELECT ${CHAIN_EVENT_COLUMNS}
  FROM custody_events e
 WHERE e.lot_id = $1 AND e.chain_started_at = $2 AND e.seq > $3
 ORDER BY e.seq`;
const CHAIN_CURSOR = 'ledger_verify_chain';

/** A chain read for verification: the head the lot row records, and events in seq order. */
export interface ChainPage {
  head: { seq: number; hash: string };
  chainStartedAt: Date;
  events: StoredEvent[];
}

/**
 * Raw SQL of the ledger's hot path. Each write is one statement: the head update (conditional
 * on the head the caller read), the events, the new parties and the outbox row. If the head
 * moved in between, the statement changes nothing and returns no rows.
 */
@Injectable()
export class LedgerRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Runs `work` in one transaction. */
  /**
   * Runs `work` in a transaction, again if PostgreSQL aborted it as a deadlock victim (writers
   * lock lots in id order, but other transactions' foreign-key checks lock them in their own
   * order): every caller's `work` only reads and writes through `manager`.
   */
  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return retryTransient(() => this.dataSource.transaction(work));
  }

  /** Runs `work` in a read-only REPEATABLE READ transaction: every read sees one snapshot. */
  snapshot<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction('REPEATABLE READ', async (manager) => {
      await manager.query('SET TRANSACTION READ ONLY');
      return work(manager);
    });
  }

  /** The autocommit executor: each statement is its own transaction. */
  get autocommit(): EntityManager {
    return this.dataSource.manager;
  }

  /** Heads of lots, sorted by id; with `forUpdate`, row-locked in that order (no deadlocks between lockers). */
  async readHeads(
    executor: EntityManager,
    lotIds: readonly string[],
    options: { forUpdate?: boolean; viewer?: LotViewer } = {},
  ): Promise<LotHead[]> {
    const range = options.viewer?.jurisdictionPrefix ? regionRange(options.viewer.jurisdictionPrefix) : null;
    const rows = await runPrepared<RawHead>(executor, options.forUpdate ? READ_HEADS_FOR_UPDATE : READ_HEADS, [
      [...new Set(lotIds)],
      options.viewer?.organisationId ?? null,
      range?.[0] ?? null,
      range?.[1] ?? null,
    ]);
    return rows.map((r) => toHead(r, options.viewer !== undefined));
  }

  /**
   * Appends sealed events to lots whose heads are still at each write's `expectedSeq`, applying
   * the writes' `effects` to the lot rows, adding their parties and (with `outbox`) one
   * `reconciliation.lots-changed` row naming every lot written: one statement, however many
   * lots and events. Each lot is compare-and-set on its own: a lot whose head moved is left as
   * it was, and only its write is missing from the result (global sequence numbers by lot id,
   * in seq order). Several lots in one statement lock their rows in no particular order: the
   * caller locks them first (`readHeads` with `forUpdate`, in id order) when there is more than one.
   */
  async appendLots(
    executor: EntityManager,
    writes: readonly LotWrite[],
    common: { recordedAt: Date; outbox: boolean },
  ): Promise<Map<string, string[]>> {
    const heads = writes.map((w) => {
      const last = w.events[w.events.length - 1];
      const e = w.effects;
      return {
        lot_id: w.lotId,
        expected_seq: w.expectedSeq,
        head_seq: last.content.seq,
        head_hash: last.hash,
        head_occurred_at: w.occurredAt.toISOString(),
        status: e.status ?? null,
        custodian_organisation_id: e.custodianOrganisationId ?? null,
        quantity: e.quantity?.toString() ?? null,
        quantity_method: e.quantityMethod ?? null,
        label_code: e.labelCode ?? null,
        packaging_type: e.packagingType ?? null,
        container_count: e.containerCount ?? null,
      };
    });
    let ord = 0;
    const events = writes.flatMap((w) =>
      w.events.map((e) => ({
        ord: ord++,
        lot_id: w.lotId,
        seq: e.content.seq,
        type: e.content.type,
        occurred_at: e.content.occurredAt,
        actor_organisation_id: e.content.actor.organisationId,
        actor_member_id: e.content.actor.memberId,
        payload: e.content.payload,
        prev_hash: e.content.prevHash,
        hash: e.hash,
      })),
    );
    const parties = writes.flatMap((w) =>
      w.parties.map((p) => ({ lot_id: w.lotId, organisation_id: p.organisationId, role: p.role })),
    );
    const relabel = heads.some((h) => h.label_code !== null);
    const statement = relabel ? APPEND_LOTS_RELABEL : APPEND_LOTS;
    const rows = await runPrepared<{ lot_id: string; global_seq: string }>(executor, statement, [
      JSON.stringify(heads),
      JSON.stringify(events),
      common.recordedAt,
      JSON.stringify(parties),
      common.outbox,
    ]);
    const written = new Map<string, string[]>();
    for (const r of rows) {
      const seqs = written.get(r.lot_id);
      if (seqs) seqs.push(r.global_seq);
      else written.set(r.lot_id, [r.global_seq]);
    }
    return written;
  }

  /**
   * A lot's head and its parties (organisation and region), so that several viewers can be
   * checked against one read (`canSee`). With `forUpdate`, the lot row is locked.
   */
  async readHeadWithParties(
    executor: EntityManager,
    lotId: string,
    options: { forUpdate?: boolean } = {},
  ): Promise<HeadWithParties | null> {
    const rows = await runPrepared<RawHead & { parties: string[] | null }>(
      executor,
      options.forUpdate ? READ_HEAD_WITH_PARTIES_FOR_UPDATE : READ_HEAD_WITH_PARTIES,
      [lotId],
    );
    if (rows.length === 0) return null;
    const { parties, ...head } = rows[0];
    return {
      ...toHead(head, false),
      parties: (parties ?? []).map((p) => {
        const [organisationId, regionCode] = p.split(' ');
        return { organisationId, regionCode };
      }),
    };
  }

  /** Inserts a lot with its genesis event, its first party and (optionally) the outbox row: one statement. */
  async insertLot(
    executor: EntityManager,
    write: {
      lot: NewLotRow;
      genesis: SealedEvent;
      occurredAt: Date;
      recordedAt: Date;
      actor: EventActor;
      party: PartyRow;
      outbox: boolean;
    },
  ): Promise<string> {
    const l = write.lot;
    const rows = await runPrepared<{ global_seq: string }>(executor, INSERT_LOT, [
      l.id,
      l.labelCode,
      l.labelCodeIssued,
      l.wasteCode,
      l.wasteCategory,
      l.catalogueEditionId,
      l.medicalClass,
      l.identificationRef,
      l.quantity.toString(),
      l.quantityUnit,
      l.quantityMethod,
      l.physicalForm,
      l.packagingType,
      l.containerCount,
      l.generatorOrganisationId,
      l.status,
      write.occurredAt,
      write.genesis.hash,
      write.recordedAt,
      l.createdBy,
      eventsJson([write.genesis]),
      write.actor.organisationId,
      write.actor.memberId,
      write.party.organisationId,
      write.party.role,
      write.outbox,
    ]);
    return rows[0].global_seq;
  }

  /** Adds parties to lots (e.g. the parties to a manifest); existing parties are kept as they are. */
  async addParties(executor: EntityManager, lotIds: readonly string[], parties: readonly PartyRow[], since: Date) {
    if (lotIds.length === 0 || parties.length === 0) return;
    await executor.query(
      `INSERT INTO lot_parties (lot_id, organisation_id, region_code, role, since)
       SELECT l.id, o.id, o.region_code, p.role, $4
         FROM unnest($1::uuid[]) AS l(id)
        CROSS JOIN unnest($2::uuid[], $3::lot_party_role[]) AS p(organisation_id, role)
         JOIN organisations o ON o.id = p.organisation_id
       ON CONFLICT (lot_id, organisation_id) DO NOTHING`,
      [lotIds, parties.map((p) => p.organisationId), parties.map((p) => p.role), since],
    );
  }

  async enqueueLotsChanged(executor: EntityManager, lotIds: readonly string[]): Promise<void> {
    if (lotIds.length === 0) return;
    await executor.query(`INSERT INTO outbox_messages (job_name, payload) VALUES ($1, $2::jsonb)`, [
      OUTBOX_JOB,
      JSON.stringify({ lotIds }),
    ]);
  }

  /** Events of one lot after `afterSeq`, in seq order (one partition: the chain start is the partition key). */
  async readEvents(
    executor: EntityManager,
    lot: { id: string; createdAt: Date },
    afterSeq: number,
    limit: number,
  ): Promise<LedgerEvent[]> {
    const rows = await runPrepared<RawEvent>(executor, READ_EVENTS, [lot.id, lot.createdAt, afterSeq, limit]);
    return rows.map(toEvent);
  }

  /**
   * A lot's head and its first `limit` events after `afterSeq`, read in one statement (so in one
   * snapshot); null when the lot does not exist or `viewer` may not see it.
   */
  async readChainStart(
    executor: EntityManager,
    lotId: string,
    viewer: LotViewer | undefined,
    limit: number,
  ): Promise<ChainPage | null> {
    const range = viewer?.jurisdictionPrefix ? regionRange(viewer.jurisdictionPrefix) : null;
    const rows = await runPrepared<RawChainRow>(executor, READ_CHAIN_START, [
      lotId,
      viewer?.organisationId ?? null,
      range?.[0] ?? null,
      range?.[1] ?? null,
      limit,
      0,
    ]);
    if (rows.length === 0 || !rows[0].visible) return null;
    const [head, ...events] = rows;
    return {
      head: { seq: head.head_seq, hash: head.head_hash },
      chainStartedAt: new Date(head.chain_started_ms),
      events: events.map((r) => toChainEvent(lotId, r)),
    };
  }

  /**
   * Opens a cursor (inside the caller's transaction) over a chain's events after `afterSeq`,
   * in seq order; `fetch` reads the next `count` of them. The next fetch may be sent before the
   * previous batch is processed, so that the database reads while Node hashes.
   */
  async openChainCursor(
    manager: EntityManager,
    lot: { id: string; chainStartedAt: Date },
    afterSeq: number,
  ): Promise<{ fetch: (count: number) => Promise<StoredEvent[]> }> {
    await manager.query(`DECLARE ${CHAIN_CURSOR} NO SCROLL CURSOR FOR ${READ_CHAIN_AFTER}`, [
      lot.id,
      lot.chainStartedAt,
      afterSeq,
    ]);
    return {
      fetch: async (count: number) => {
        const rows: RawChainRow[] = await manager.query(`FETCH ${Math.floor(count)} FROM ${CHAIN_CURSOR}`);
        return rows.map((r) => toChainEvent(lot.id, r));
      },
    };
  }

  /** Creates the monthly event partitions for the coming months (idempotent). */
  async ensurePartitions(monthsAhead: number): Promise<number> {
    return this.dataSource.transaction(async (m) => {
      await m.query(`SET LOCAL lock_timeout = '2s'`);
      const [row] = await m.query(`SELECT ledger_ensure_event_partitions($1) AS created`, [monthsAhead]);
      return Number(row.created);
    });
  }
}

export function regionRange(prefix: string): [string, string] {
  return [prefix.padEnd(6, '0'), prefix.padEnd(6, '9')];
}

function eventsJson(events: readonly SealedEvent[]): string {
  return JSON.stringify(
    events.map((e) => ({
      seq: e.content.seq,
      type: e.content.type,
      occurred_at: e.content.occurredAt,
      payload: e.content.payload,
      prev_hash: e.content.prevHash,
      hash: e.hash,
    })),
  );
}

interface RawHead {
  id: string;
  seq: number;
  hash: string;
  occurredAt: Date;
  createdAt: Date;
  status: LotStatus;
  custodianOrganisationId: string;
  generatorOrganisationId: string;
  wasteCode: string;
  identificationRef: string | null;
  quantity: string;
  quantityUnit: BaseUnit;
  quantityMethod: QuantityMethod;
  labelCode: string;
  packagingType: string;
  containerCount: number;
  viewerParty: boolean;
  viewerJurisdiction: boolean;
}

function toHead(r: RawHead, withViewer: boolean): LotHead {
  const { viewerParty, viewerJurisdiction, quantity, ...rest } = r;
  return {
    ...rest,
    quantity: BigInt(quantity),
    ...(withViewer ? { viewer: { party: viewerParty, inJurisdiction: viewerJurisdiction } } : {}),
  };
}

interface RawChainRow {
  head_seq: number;
  head_hash: string;
  visible: boolean;
  chain_started_ms: number;
  seq: number;
  format: number;
  type: string;
  occurred_at: string;
  recorded_at: string;
  actor_organisation_id: string;
  actor_member_id: string | null;
  payload: LedgerObject;
  prev_hash: string;
  hash: string;
}

function toChainEvent(lotId: string, r: RawChainRow): StoredEvent {
  return {
    lotId,
    seq: r.seq,
    format: r.format,
    type: r.type,
    occurredAt: r.occurred_at,
    recordedAt: r.recorded_at,
    actor: { organisationId: r.actor_organisation_id, memberId: r.actor_member_id },
    payload: r.payload,
    prevHash: r.prev_hash,
    hash: r.hash,
  };
}

interface RawEvent {
  lot_id: string;
  seq: number;
  global_seq: string;
  format: number;
  type: string;
  occurred_at: Date;
  recorded_at: Date;
  actor_organisation_id: string;
  actor_member_id: string | null;
  payload: LedgerObject;
  prev_hash: string;
  hash: string;
}

function toEvent(r: RawEvent): LedgerEvent {
  return {
    lotId: r.lot_id,
    seq: r.seq,
    globalSeq: r.global_seq,
    format: r.format,
    type: r.type,
    occurredAt: r.occurred_at.toISOString(),
    recordedAt: r.recorded_at.toISOString(),
    actor: { organisationId: r.actor_organisation_id, memberId: r.actor_member_id },
    payload: r.payload,
    prevHash: r.prev_hash,
    hash: r.hash,
  };
}
