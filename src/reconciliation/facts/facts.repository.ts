import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { CreditGradeFact, MedicalInstitutionFacts, OrganisationFacts, OrganisationRole } from '../domain/facts';
import { addCalendarDays, chinaStartOfDay } from '../domain/working-days';
import type { EventRow, LineageRow, LotRow, MovementRow } from './ledger-facts';

const LOT_COLUMNS = `
  l.id, l.waste_code AS "wasteCode", l.waste_category AS "wasteCategory", l.medical_class AS "medicalClass",
  l.generator_organisation_id AS "generatorId", l.custodian_organisation_id AS "custodianId",
  l.generated_at AS "generatedAt", l.quantity::text AS quantity, l.quantity_unit AS unit, l.status,
  l.head_seq AS "headSeq", encode(l.head_hash, 'hex') AS "headHash", l.created_at AS "createdAt"`;

/** Lot statuses that end a lot (the ledger's CLOSED_STATUSES). */
const CLOSED = `('DISPOSED', 'SPLIT', 'MERGED')`;

/** How far back late medical collections are looked for (they stay reported that long). */
const COLLECTION_LOOKBACK_DAYS = 365;

/**
 * Set-based reads of the facts: every method reads a whole batch in one statement (never one per
 * lot), on the caller's transaction.
 */
@Injectable()
export class FactsRepository {
  async lots(manager: EntityManager, ids: readonly string[]): Promise<LotRow[]> {
    if (ids.length === 0) return [];
    return manager.query(`SELECT ${LOT_COLUMNS} FROM lots l WHERE l.id = ANY($1::uuid[]) ORDER BY l.id`, [
      [...new Set(ids)],
    ]);
  }

  /**
   * The events of lots up to the head each lot row showed (so that events appended since that read
   * are not mixed in: a chain is always verified against the head it was read with). One partition
   * per lot (its chain start is the partition key).
   *
   * Per lot, through the partition's primary key (a LATERAL subquery that OFFSET 0 keeps from being
   * flattened): as a plain join the planner, which cannot prune partitions from an array, chose a
   * (parallel) hash join over every partition — a scan of the whole ledger for each batch of 500
   * lots, so a full run's work grew with the square of the ledger.
   */
  async events(manager: EntityManager, heads: readonly LotRow[]): Promise<EventRow[]> {
    return this.eventsUpToHead(
      manager,
      heads,
      `e.format, e.actor_member_id AS "actorMemberId", e.payload,
       encode(e.prev_hash, 'hex') AS "prevHash", encode(e.hash, 'hex') AS hash`,
    );
  }

  /**
   * The same events without what only the chain's verification needs (hashes, format, member) and
   * with only the payload fields the custody facts read (ledger-facts.ts): what a facility month's
   * stock replay takes from the lots it did not judge, at a fraction of the memory.
   */
  async movements(manager: EntityManager, heads: readonly LotRow[]): Promise<MovementRow[]> {
    return this.eventsUpToHead(
      manager,
      heads,
      `jsonb_strip_nulls(jsonb_build_object(
         'quantity', e.payload->'quantity', 'remaining', e.payload->'remaining', 'manifestId', e.payload->'manifestId',
         'toOrganisationId', e.payload->'toOrganisationId', 'fromOrganisationId', e.payload->'fromOrganisationId',
         'counterpartyOrganisationId', e.payload->'counterpartyOrganisationId')) AS payload`,
    );
  }

  private async eventsUpToHead<T>(manager: EntityManager, heads: readonly LotRow[], columns: string): Promise<T[]> {
    if (heads.length === 0) return [];
    return manager.query(
      `SELECT e.lot_id AS "lotId", e.seq, e.global_seq::text AS "globalSeq", e.type::text AS type,
              e.occurred_at AS "occurredAt", e.recorded_at AS "recordedAt",
              e.actor_organisation_id AS "actorOrganisationId", ${columns}
         FROM unnest($1::uuid[], $2::int[], $3::timestamptz[]) AS h(id, head_seq, started)
         CROSS JOIN LATERAL (
           SELECT * FROM custody_events e
            WHERE e.lot_id = h.id AND e.chain_started_at = h.started AND e.seq <= h.head_seq
           OFFSET 0) e
        ORDER BY e.lot_id, e.seq`,
      [heads.map((h) => h.id), heads.map((h) => h.headSeq), heads.map((h) => h.createdAt)],
    );
  }

  /** Lineage edges recorded by these lots' events: splits of them (as parents), merges into them (as children). */
  async lineage(manager: EntityManager, lotIds: readonly string[]): Promise<LineageRow[]> {
    if (lotIds.length === 0) return [];
    return manager.query(
      `SELECT parent_lot_id AS "parentLotId", child_lot_id AS "childLotId", kind::text AS kind, quantity::text AS quantity
         FROM lot_lineage
        WHERE (kind = 'SPLIT' AND parent_lot_id = ANY($1::uuid[])) OR (kind = 'MERGE' AND child_lot_id = ANY($1::uuid[]))`,
      [lotIds],
    );
  }

  /**
   * Parent edges of lots created by a split or merge, followed up the lineage while the parent was
   * created by the same organisation as the lot asked for (beyond, the holding clock starts at a
   * receipt, which the parent's own events show).
   */
  async ancestry(
    manager: EntityManager,
    lotIds: readonly string[],
  ): Promise<Array<{ childLotId: string; parentLotId: string }>> {
    if (lotIds.length === 0) return [];
    return manager.query(
      `WITH RECURSIVE anc(child_id, parent_id, creator, depth) AS (
         SELECT ll.child_lot_id, ll.parent_lot_id, c.generator_organisation_id, 1
           FROM lot_lineage ll JOIN lots c ON c.id = ll.child_lot_id
          WHERE ll.child_lot_id = ANY($1::uuid[])
         UNION
         SELECT ll.child_lot_id, ll.parent_lot_id, a.creator, a.depth + 1
           FROM anc a
           JOIN lots p ON p.id = a.parent_id AND p.generator_organisation_id = a.creator
           JOIN lot_lineage ll ON ll.child_lot_id = a.parent_id
          WHERE a.depth < 64)
       SELECT DISTINCT child_id AS "childLotId", parent_id AS "parentLotId" FROM anc`,
      [lotIds],
    );
  }

  /** Parties of lots (to route CHAIN_TAMPERED flags). */
  async parties(manager: EntityManager, lotIds: readonly string[]): Promise<Map<string, string[]>> {
    if (lotIds.length === 0) return new Map();
    const rows: Array<{ lotId: string; ids: string[] }> = await manager.query(
      `SELECT lot_id AS "lotId", array_agg(organisation_id::text ORDER BY organisation_id) AS ids
         FROM lot_parties WHERE lot_id = ANY($1::uuid[]) GROUP BY lot_id`,
      [lotIds],
    );
    return new Map(rows.map((r) => [r.lotId, r.ids]));
  }

  /** Roles, and the type of hazardous-waste operating licence held on `today` (China date). */
  async organisations(manager: EntityManager, ids: readonly string[], today: string): Promise<OrganisationFacts[]> {
    if (ids.length === 0) return [];
    const rows: Array<{ id: string; roles: OrganisationRole[]; licenceType: OrganisationFacts['licenceType'] }> =
      await manager.query(
        `SELECT o.id, o.roles::text[] AS roles,
                CASE WHEN bool_or(p.kind IN ('HW_OPERATING_COMPREHENSIVE', 'MEDICAL_WASTE_DISPOSAL')) THEN 'COMPREHENSIVE'
                     WHEN bool_or(p.kind = 'HW_OPERATING_COLLECTION') THEN 'COLLECTION' END AS "licenceType"
           FROM organisations o
           LEFT JOIN permits p ON p.organisation_id = o.id AND p.status IN ('ACTIVE', 'SUSPENDED')
                              AND p.valid_from <= $2::date AND p.valid_to >= $2::date
          WHERE o.id = ANY($1::uuid[])
          GROUP BY o.id
          ORDER BY o.id`,
        [[...new Set(ids)], today],
      );
    return rows.map((r) => ({ id: r.id, roles: r.roles, licenceType: r.licenceType ?? null }));
  }

  /** Every credit grade of the organisations; a validity's last day is inclusive, so it ends at the next day's start. */
  async creditGrades(manager: EntityManager, ids: readonly string[]): Promise<CreditGradeFact[]> {
    if (ids.length === 0) return [];
    const rows: Array<{
      organisationId: string;
      grade: CreditGradeFact['grade'];
      validFrom: string;
      validTo: string | null;
    }> = await manager.query(
      `SELECT organisation_id AS "organisationId", grade::text AS grade, valid_from::text AS "validFrom",
                valid_to::text AS "validTo"
           FROM credit_grades WHERE organisation_id = ANY($1::uuid[]) ORDER BY organisation_id, created_at`,
      [[...new Set(ids)]],
    );
    return rows.map((r) => ({
      organisationId: r.organisationId,
      grade: r.grade,
      validFrom: chinaStartOfDay(r.validFrom),
      validTo: r.validTo === null ? null : chinaStartOfDay(addCalendarDays(r.validTo, 1)),
    }));
  }

  /**
   * Medical institutions among the organisations: those that generated medical waste (HW01). The
   * last collection is the latest first transfer of custody away from the institution (the first
   * RECEIVED by another party) over its medical lots; waste waits while one of its medical lots is
   * still held by it and open.
   */
  async medicalInstitutions(manager: EntityManager, ids: readonly string[]): Promise<MedicalInstitutionFacts[]> {
    if (ids.length === 0) return [];
    const rows: Array<Omit<MedicalInstitutionFacts, 'epidemicMode'>> = await manager.query(
      `WITH med AS (
         SELECT l.id, l.generator_organisation_id AS org, l.generated_at, l.custodian_organisation_id AS custodian,
                l.status, l.created_at
           FROM lots l
          WHERE l.generator_organisation_id = ANY($1::uuid[]) AND l.waste_category = 'HW01'
       ), collections AS (
         SELECT DISTINCT ON (m.id) m.org, e.global_seq, e.occurred_at, e.actor_organisation_id
           FROM med m
           JOIN custody_events e ON e.lot_id = m.id AND e.chain_started_at = m.created_at
          WHERE e.type = 'RECEIVED' AND e.actor_organisation_id <> m.org
          ORDER BY m.id, e.seq
       ), last_collection AS (
         SELECT DISTINCT ON (org) org, global_seq::text AS ref, occurred_at, actor_organisation_id AS collector
           FROM collections ORDER BY org, occurred_at DESC, global_seq DESC
       )
       SELECT m.org AS "organisationId", lc.collector AS "collectorId", lc.occurred_at AS "lastCollectedAt",
              lc.ref AS "lastCollectionRef", min(m.generated_at) AS "serviceStartAt",
              min(m.generated_at) FILTER (
                WHERE m.custodian = m.org AND m.status NOT IN ${CLOSED} AND m.status <> 'TREATED') AS "pendingWasteSince"
         FROM med m LEFT JOIN last_collection lc ON lc.org = m.org
        GROUP BY m.org, lc.collector, lc.occurred_at, lc.ref
        ORDER BY m.org`,
      [[...new Set(ids)]],
    );
    // Past collections (one per pickup time) with the oldest lot each took, over the look-back window.
    const history: Array<{ org: string; at: Date; ref: string; oldestGeneratedAt: Date }> = await manager.query(
      `WITH med AS (
         SELECT l.id, l.generator_organisation_id AS org, l.generated_at, l.created_at
           FROM lots l
          WHERE l.generator_organisation_id = ANY($1::uuid[]) AND l.waste_category = 'HW01'
            AND l.generated_at >= now() - make_interval(days => ${COLLECTION_LOOKBACK_DAYS})
       ), firsts AS (
         SELECT DISTINCT ON (m.id) m.org, m.generated_at, e.occurred_at, e.global_seq
           FROM med m
           JOIN custody_events e ON e.lot_id = m.id AND e.chain_started_at = m.created_at
          WHERE e.type = 'RECEIVED' AND e.actor_organisation_id <> m.org
          ORDER BY m.id, e.seq
       )
       SELECT org, occurred_at AS at, min(global_seq)::text AS ref, min(generated_at) AS "oldestGeneratedAt"
         FROM firsts GROUP BY org, occurred_at ORDER BY org, occurred_at`,
      [[...new Set(ids)]],
    );
    return rows.map((r) => ({
      ...r,
      epidemicMode: false,
      collectionHistory: history
        .filter((h) => h.org === r.organisationId)
        .map((h) => ({ at: h.at, ref: h.ref, oldestGeneratedAt: h.oldestGeneratedAt })),
    }));
  }

  /**
   * Lots (counted in grams) a facility may have held during [from, to): it is a party, the lot
   * began before `to`, and it is still open or had an event from `from` on (a lot closed earlier
   * adds nothing to the month).
   */
  async facilityLots(
    manager: EntityManager,
    windows: ReadonlyArray<{ facilityId: string; from: Date; to: Date }>,
  ): Promise<LotRow[]> {
    if (windows.length === 0) return [];
    return manager.query(
      `SELECT DISTINCT ${LOT_COLUMNS}
         FROM unnest($1::uuid[], $2::timestamptz[], $3::timestamptz[]) AS w(facility_id, from_at, to_at)
         JOIN lot_parties lp ON lp.organisation_id = w.facility_id
         JOIN lots l ON l.id = lp.lot_id
        WHERE l.quantity_unit = 'g' AND l.generated_at < w.to_at
          AND (l.head_occurred_at >= w.from_at OR l.status NOT IN ${CLOSED})`,
      [windows.map((w) => w.facilityId), windows.map((w) => w.from), windows.map((w) => w.to)],
    );
  }
}
