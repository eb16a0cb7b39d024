import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
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

/**
 * Raw SQL of the ledger's hot path. Each write is one statement: the head update (conditional
 * on the head the caller read), the events, the new parties and the outbox row. If the head
 * moved in between, the statement changes nothing and returns no rows.
 */
@Injectable()
export class LedgerRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Runs `work` in one transaction. */
  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
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
    const rows: RawHead[] = await executor.query(
      `SELECT ${HEAD_COLUMNS}${VIEWER_COLUMNS}
         FROM lots l
        WHERE l.id = ANY($1::uuid[])
        ORDER BY l.id
        ${options.forUpdate ? 'FOR UPDATE OF l' : ''}`,
      [[...new Set(lotIds)], options.viewer?.organisationId ?? null, range?.[0] ?? null, range?.[1] ?? null],
    );
    return rows.map((r) => toHead(r, options.viewer !== undefined));
  }

  /**
   * Appends sealed events to a lot whose head is still `expectedSeq`, applying `effects` to
   * the lot row. Returns the events' global sequence numbers, or null if the head moved.
   */
  async append(
    executor: EntityManager,
    write: {
      lotId: string;
      expectedSeq: number;
      events: readonly SealedEvent[];
      occurredAt: Date;
      recordedAt: Date;
      actor: EventActor;
      effects: LotEffects;
      parties: readonly PartyRow[];
      outbox: boolean;
    },
  ): Promise<string[] | null> {
    const last = write.events[write.events.length - 1];
    const e = write.effects;
    const rows: Array<{ global_seq: string }> = await executor.query(
      `WITH head AS (
         UPDATE lots
            SET head_seq = $3, head_hash = decode($4, 'hex'), head_occurred_at = $5, updated_at = $6,
                status = COALESCE($7::lot_status, status),
                custodian_organisation_id = COALESCE($8::uuid, custodian_organisation_id),
                quantity = COALESCE($9::bigint, quantity),
                quantity_method = COALESCE($10::quantity_method, quantity_method),
                label_code = COALESCE($11::varchar, label_code),
                packaging_type = COALESCE($12::packaging_type, packaging_type),
                container_count = COALESCE($13::integer, container_count)
          WHERE id = $1 AND head_seq = $2
          RETURNING id, created_at
       ), events AS (
         INSERT INTO custody_events (lot_id, seq, chain_started_at, format, type, occurred_at, recorded_at,
                                     actor_organisation_id, actor_member_id, payload, prev_hash, hash)
         SELECT head.id, e.seq, head.created_at, ${LEDGER_FORMAT}, e.type, e.occurred_at, $6, $15, $16, e.payload,
                decode(e.prev_hash, 'hex'), decode(e.hash, 'hex')
           FROM head, ${EVENTS_RECORDSET.replace('$EVENTS', '$14')}
         RETURNING seq, global_seq
       ), parties AS (
         INSERT INTO lot_parties (lot_id, organisation_id, region_code, role, since)
         SELECT head.id, o.id, o.region_code, p.role, $6
           FROM head, unnest($17::uuid[], $18::lot_party_role[]) AS p(organisation_id, role)
           JOIN organisations o ON o.id = p.organisation_id
         ON CONFLICT (lot_id, organisation_id) DO NOTHING
       ), outbox AS (
         INSERT INTO outbox_messages (job_name, payload)
         SELECT '${OUTBOX_JOB}', jsonb_build_object('lotIds', jsonb_build_array(head.id)) FROM head WHERE $19
       )
       SELECT global_seq::text AS global_seq FROM events ORDER BY seq`,
      [
        write.lotId,
        write.expectedSeq,
        last.content.seq,
        last.hash,
        write.occurredAt,
        write.recordedAt,
        e.status ?? null,
        e.custodianOrganisationId ?? null,
        e.quantity?.toString() ?? null,
        e.quantityMethod ?? null,
        e.labelCode ?? null,
        e.packagingType ?? null,
        e.containerCount ?? null,
        eventsJson(write.events),
        write.actor.organisationId,
        write.actor.memberId,
        write.parties.map((p) => p.organisationId),
        write.parties.map((p) => p.role),
        write.outbox,
      ],
    );
    return rows.length === 0 ? null : rows.map((r) => r.global_seq);
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
    const rows: Array<{ global_seq: string }> = await executor.query(
      `WITH lot AS (
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
       SELECT global_seq::text AS global_seq FROM events`,
      [
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
      ],
    );
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
    const rows: RawEvent[] = await executor.query(
      `SELECT lot_id, seq, global_seq::text AS global_seq, format, type, occurred_at, recorded_at,
              actor_organisation_id, actor_member_id, payload, encode(prev_hash, 'hex') AS prev_hash,
              encode(hash, 'hex') AS hash
         FROM custody_events
        WHERE lot_id = $1 AND chain_started_at = $2 AND seq > $3
        ORDER BY seq
        LIMIT $4`,
      [lot.id, lot.createdAt, afterSeq, limit],
    );
    return rows.map(toEvent);
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
