import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { regionBounds } from '../common/auth/read-scope';
import { Flag } from '../flags/entities/flag.entity';
import type { LotViewer } from '../ledger/ledger.repository';
import { ManifestCarrier } from '../manifests/entities/manifest-carrier.entity';
import { ManifestLine } from '../manifests/entities/manifest-line.entity';
import { ManifestStep } from '../manifests/entities/manifest-step.entity';
import { Manifest } from '../manifests/entities/manifest.entity';
import type { ManifestAggregate } from '../manifests/manifests.repository';
import type { Flows } from './domain/mass-balance';

/** A lot as the audit shows it, with the head of its chain. */
export interface AuditLotRow {
  id: string;
  labelCode: string;
  wasteCode: string;
  wasteCategory: string;
  wasteName: string | null;
  medicalClass: string | null;
  quantity: string;
  quantityUnit: string;
  status: string;
  generatorOrganisationId: string;
  custodianOrganisationId: string;
  generatedAt: Date;
  createdAt: Date;
  headSeq: number;
  headHash: string;
  visible: boolean;
}

export interface LineageEdgeRow {
  parentLotId: string;
  childLotId: string;
  kind: string;
  quantity: string;
  createdAt: Date;
}

export interface LineageRows {
  upstream: { nodes: Map<string, number>; edges: LineageEdgeRow[]; truncated: boolean };
  downstream: { nodes: Map<string, number>; edges: LineageEdgeRow[]; truncated: boolean };
}

export interface LotManifestRow {
  id: string;
  number: string;
  status: string;
  consignorId: string;
  consigneeId: string;
  carrierIds: string[];
  plannedOperation: string;
  linkKind: string | null;
  linkedManifestId: string | null;
  createdAt: Date;
  lineNo: number;
  declaredQuantity: string;
  unit: string;
  receivedQuantity: string | null;
  decision: string | null;
  acceptedQuantity: string | null;
  operationCode: string | null;
  treatedQuantity: string | null;
}

export interface StepSummaryRow {
  manifestId: string;
  seq: number;
  action: string;
  fromStatus: string;
  toStatus: string;
  organisationId: string;
  occurredAt: Date;
  payloadHash: string;
}

export interface ManifestEventRow {
  lotId: string;
  seq: number;
  type: string;
  occurredAt: Date;
  recordedAt: Date;
  actorOrganisationId: string;
  stepHash: string | null;
  hash: string;
}

export interface FlowRow extends Flows {
  wasteCode: string;
  wasteCategory: string;
  unit: string;
}

export interface GenerationYearRow {
  organisationId: string;
  year: number;
  grams: bigint;
}

export interface TierFactsRow {
  organisationId: string;
  firstYear: number | null;
  ownFacility: boolean;
  operatingLicence: boolean;
}

export interface PermitRow {
  id: string;
  kind: string;
  number: string;
  status: string;
  operationModes: string[];
  wasteCodes: string[];
  wasteCategories: string[];
  annualCapacityGrams: string | null;
  validFrom: string;
  validTo: string;
  issuer: string;
}

/** HW operating licence kinds (危险废物经营许可证): holding one makes a unit KEY under HJ 1259 §4.2. */
export const OPERATING_LICENCE_KINDS = [
  'HW_OPERATING_COMPREHENSIVE',
  'HW_OPERATING_COLLECTION',
  'MEDICAL_WASTE_DISPOSAL',
];

/** Lineage depth followed in each direction, and the most lots reported per direction. */
export const LINEAGE_MAX_DEPTH = 32;
export const LINEAGE_MAX_NODES = 500;

const int = (v: string | number | null): bigint => (v === null ? 0n : BigInt(v));

/**
 * Read side of the audit: one lot's whole story (in one snapshot), a manifest's trail, an
 * organisation's flows, and the facts of its management tier. Set-based SQL only.
 */
@Injectable()
export class AuditRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Runs `work` in a read-only REPEATABLE READ transaction: every read sees one snapshot. */
  snapshot<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction('REPEATABLE READ', async (manager) => {
      await manager.query('SET TRANSACTION READ ONLY');
      return work(manager);
    });
  }

  /** Lots by id, each with whether the viewer may see it (a party, or a regulator over a party). */
  async lots(executor: EntityManager, ids: readonly string[], viewer: LotViewer): Promise<AuditLotRow[]> {
    if (ids.length === 0) return [];
    const [lo, hi] = viewer.jurisdictionPrefix ? regionBounds(viewer.jurisdictionPrefix) : [null, null];
    return executor.query(
      `SELECT l.id, l.label_code AS "labelCode", l.waste_code AS "wasteCode", l.waste_category AS "wasteCategory",
              wc.description_zh AS "wasteName", l.medical_class AS "medicalClass", l.quantity::text AS quantity,
              l.quantity_unit AS "quantityUnit", l.status, l.generator_organisation_id AS "generatorOrganisationId",
              l.custodian_organisation_id AS "custodianOrganisationId", l.generated_at AS "generatedAt",
              l.created_at AS "createdAt", l.head_seq AS "headSeq", encode(l.head_hash, 'hex') AS "headHash",
              (EXISTS (SELECT 1 FROM lot_parties p WHERE p.lot_id = l.id AND p.organisation_id = $2::uuid)
               OR ($3::varchar IS NOT NULL AND EXISTS (
                     SELECT 1 FROM lot_parties p WHERE p.lot_id = l.id AND p.region_code BETWEEN $3 AND $4))) AS visible
         FROM lots l
         LEFT JOIN waste_codes wc ON wc.edition_id = l.catalogue_edition_id AND wc.code = l.waste_code
        WHERE l.id = ANY($1::uuid[])`,
      [[...new Set(ids)], viewer.organisationId, lo, hi],
    );
  }

  /**
   * The lineage DAG around a lot: ancestors (upstream) and descendants (downstream), each by a
   * recursive CTE bounded in depth, with each lot's shortest distance and the edges among them.
   */
  async lineage(executor: EntityManager, lotId: string): Promise<LineageRows> {
    const walk = async (direction: 'up' | 'down') => {
      const [from, to] = direction === 'up' ? ['child_lot_id', 'parent_lot_id'] : ['parent_lot_id', 'child_lot_id'];
      const nodes: Array<{ lotId: string; depth: number; more: boolean }> = await executor.query(
        `WITH RECURSIVE walk(lot_id, depth) AS (
           SELECT $1::uuid, 0
           UNION
           SELECT g.${to}, w.depth + 1 FROM walk w JOIN lot_lineage g ON g.${from} = w.lot_id WHERE w.depth < $2
         ), nearest AS (
           SELECT lot_id, min(depth) AS depth FROM walk GROUP BY lot_id
         )
         SELECT n.lot_id AS "lotId", n.depth,
                (n.depth = $2 AND EXISTS (SELECT 1 FROM lot_lineage g WHERE g.${from} = n.lot_id)) AS more
           FROM nearest n
          ORDER BY n.depth, n.lot_id
          LIMIT $3`,
        [lotId, LINEAGE_MAX_DEPTH, LINEAGE_MAX_NODES + 1],
      );
      const truncated = nodes.length > LINEAGE_MAX_NODES || nodes.some((n) => n.more);
      const kept = nodes.slice(0, LINEAGE_MAX_NODES);
      const ids = kept.map((n) => n.lotId);
      const edges: LineageEdgeRow[] = await executor.query(
        `SELECT parent_lot_id AS "parentLotId", child_lot_id AS "childLotId", kind, quantity::text AS quantity,
                created_at AS "createdAt"
           FROM lot_lineage
          WHERE ${from} = ANY($1::uuid[]) AND ${to} = ANY($1::uuid[])
          ORDER BY created_at, parent_lot_id, child_lot_id`,
        [ids],
      );
      return { nodes: new Map(kept.map((n) => [n.lotId, Number(n.depth)])), edges, truncated };
    };
    return { upstream: await walk('up'), downstream: await walk('down') };
  }

  /** Every manifest that carried the lot, with its line for the lot. */
  manifestsOfLot(executor: EntityManager, lotId: string): Promise<LotManifestRow[]> {
    return executor.query(
      `SELECT m.id, m.number, m.status, m.consignor_id AS "consignorId", m.consignee_id AS "consigneeId",
              COALESCE((SELECT array_agg(c.organisation_id ORDER BY c.position) FROM manifest_carriers c
                         WHERE c.manifest_id = m.id), '{}') AS "carrierIds",
              m.planned_operation AS "plannedOperation", m.link_kind AS "linkKind",
              m.linked_manifest_id AS "linkedManifestId", m.created_at AS "createdAt", ml.line_no AS "lineNo",
              ml.declared_quantity::text AS "declaredQuantity", ml.unit,
              ml.received_quantity::text AS "receivedQuantity", ml.decision,
              ml.accepted_quantity::text AS "acceptedQuantity", ml.operation_code AS "operationCode",
              ml.treated_quantity::text AS "treatedQuantity"
         FROM manifest_lines ml JOIN manifests m ON m.id = ml.manifest_id
        WHERE ml.lot_id = $1
        ORDER BY m.created_at, m.id`,
      [lotId],
    );
  }

  stepsOf(executor: EntityManager, manifestIds: readonly string[]): Promise<StepSummaryRow[]> {
    if (manifestIds.length === 0) return Promise.resolve([]);
    return executor.query(
      `SELECT manifest_id AS "manifestId", seq, action, from_status AS "fromStatus", to_status AS "toStatus",
              organisation_id AS "organisationId", occurred_at AS "occurredAt", payload_hash AS "payloadHash"
         FROM manifest_steps WHERE manifest_id = ANY($1::uuid[]) ORDER BY manifest_id, seq`,
      [manifestIds],
    );
  }

  /** Flags on any of these subjects (all statuses), oldest first. */
  flagsOn(executor: EntityManager, subjects: ReadonlyArray<{ type: string; id: string }>): Promise<Flag[]> {
    if (subjects.length === 0) return Promise.resolve([]);
    return executor
      .getRepository(Flag)
      .createQueryBuilder('f')
      .where(
        `(f.subject_type, f.subject_id) IN (SELECT * FROM unnest(CAST(:types AS varchar[]), CAST(:ids AS varchar[])))`,
        { types: subjects.map((s) => s.type), ids: subjects.map((s) => s.id) },
      )
      .orderBy('f.detected_at', 'ASC')
      .addOrderBy('f.id', 'ASC')
      .getMany();
  }

  async organisationNames(executor: EntityManager, ids: Iterable<string>): Promise<Map<string, string>> {
    const list = [...new Set(ids)];
    if (list.length === 0) return new Map();
    const rows: Array<{ id: string; name: string }> = await executor.query(
      `SELECT id, name FROM organisations WHERE id = ANY($1::uuid[])`,
      [list],
    );
    return new Map(rows.map((r) => [r.id, r.name]));
  }

  /** A manifest with its carriers and lines, on the snapshot's connection. */
  async manifestAggregate(executor: EntityManager, id: string): Promise<ManifestAggregate | null> {
    const manifest = await executor.getRepository(Manifest).findOne({ where: { id } });
    if (!manifest) return null;
    // One connection: one query at a time.
    const carriers = await executor
      .getRepository(ManifestCarrier)
      .find({ where: { manifestId: id }, order: { position: 'ASC' } });
    const lines = await executor
      .getRepository(ManifestLine)
      .find({ where: { manifestId: id }, order: { lineNo: 'ASC' } });
    return { manifest, carriers, lines };
  }

  manifestSteps(executor: EntityManager, id: string): Promise<ManifestStep[]> {
    return executor.getRepository(ManifestStep).find({ where: { manifestId: id }, order: { seq: 'ASC' } });
  }

  /** The custody events of these lots that name the manifest (written by its steps, or claiming to be). */
  manifestEvents(executor: EntityManager, manifestId: string, lotIds: readonly string[]): Promise<ManifestEventRow[]> {
    return executor.query(
      `SELECT e.lot_id AS "lotId", e.seq, e.type, e.occurred_at AS "occurredAt", e.recorded_at AS "recordedAt",
              e.actor_organisation_id AS "actorOrganisationId", e.payload->>'stepHash' AS "stepHash",
              encode(e.hash, 'hex') AS hash
         FROM lots l JOIN custody_events e ON e.lot_id = l.id AND e.chain_started_at = l.created_at
        WHERE l.id = ANY($1::uuid[]) AND e.payload->>'manifestId' = $2
        ORDER BY e.lot_id, e.seq`,
      [lotIds, manifestId],
    );
  }

  /**
   * An organisation's flows per waste code over [from, to), by replaying the custody events of
   * every lot it was ever party to: after each event, who holds the lot, how much of it there is,
   * and whether it is still open (docs/audit.md, "Mass balance"). `held` is the quantity of open
   * lots in the organisation's custody; each event's change of it is attributed to a flow by the
   * event's type, and held(T) is the sum of the changes of events before T.
   */
  async organisationFlows(organisationId: string, from: Date, to: Date): Promise<FlowRow[]> {
    const rows: Array<Record<string, string>> = await this.dataSource.query(
      `WITH lots_of AS (
         SELECT l.id, l.created_at, l.waste_code, l.waste_category, l.quantity_unit
           FROM lot_parties p JOIN lots l ON l.id = p.lot_id
          WHERE p.organisation_id = $1
       ), ev AS (
         SELECT e.lot_id, e.seq, e.type::text AS type, e.occurred_at, lo.waste_code, lo.waste_category,
                lo.quantity_unit::text AS unit,
                CASE WHEN e.type IN ('GENERATED', 'SPLIT_FROM', 'MERGED_FROM', 'RECEIVED')
                     THEN e.actor_organisation_id END AS set_custodian,
                CASE WHEN e.type IN ('GENERATED', 'SPLIT_FROM', 'MERGED_FROM', 'CORRECTED')
                       THEN (e.payload->'quantity'->>'amount')::bigint
                     WHEN e.type = 'INSPECTED' THEN (e.payload->'quantity'->>'amount')::bigint
                     WHEN e.type IN ('TREATED', 'DISPOSED') AND (e.payload->'remaining'->>'amount')::bigint > 0
                       THEN (e.payload->'remaining'->>'amount')::bigint END AS set_quantity,
                CASE WHEN e.type IN ('SPLIT', 'MERGED') THEN false
                     WHEN e.type IN ('TREATED', 'DISPOSED')
                       THEN COALESCE((e.payload->'remaining'->>'amount')::bigint, 0) > 0 END AS set_open
           FROM lots_of lo
           JOIN custody_events e ON e.lot_id = lo.id AND e.chain_started_at = lo.created_at
          WHERE e.occurred_at < $3
       ), grouped AS (
         SELECT ev.*, count(set_custodian) OVER w AS gc, count(set_quantity) OVER w AS gq, count(set_open) OVER w AS go
           FROM ev WINDOW w AS (PARTITION BY lot_id ORDER BY seq)
       ), state AS (
         SELECT g.lot_id, g.seq, g.type, g.occurred_at, g.waste_code, g.waste_category, g.unit,
                first_value(g.set_custodian) OVER (PARTITION BY g.lot_id, g.gc ORDER BY g.seq) AS custodian,
                first_value(g.set_quantity) OVER (PARTITION BY g.lot_id, g.gq ORDER BY g.seq) AS quantity,
                COALESCE(first_value(g.set_open) OVER (PARTITION BY g.lot_id, g.go ORDER BY g.seq), true) AS open
           FROM grouped g
       ), held AS (
         SELECT s.*, CASE WHEN s.custodian = $1 AND s.open THEN COALESCE(s.quantity, 0) ELSE 0 END AS held_after
           FROM state s
       ), delta AS (
         SELECT h.*, h.held_after - COALESCE(lag(h.held_after) OVER (PARTITION BY h.lot_id ORDER BY h.seq), 0) AS d
           FROM held h
       )
       SELECT waste_code AS "wasteCode", waste_category AS "wasteCategory", unit,
              COALESCE(sum(d) FILTER (WHERE occurred_at < $2), 0)::text AS "heldStart",
              COALESCE(sum(d), 0)::text AS "heldEnd",
              COALESCE(sum(d) FILTER (WHERE occurred_at >= $2 AND type = 'GENERATED'), 0)::text AS generated,
              (COALESCE(sum(greatest(d, 0)) FILTER (WHERE occurred_at >= $2 AND type = 'RECEIVED'), 0)
                + COALESCE(sum(d) FILTER (WHERE occurred_at >= $2 AND type = 'INSPECTED'), 0))::text AS received,
              COALESCE(sum(greatest(-d, 0)) FILTER (WHERE occurred_at >= $2 AND type = 'RECEIVED'), 0)::text AS sent,
              COALESCE(-sum(d) FILTER (WHERE occurred_at >= $2 AND type = 'TREATED'), 0)::text AS treated,
              COALESCE(-sum(d) FILTER (WHERE occurred_at >= $2 AND type = 'DISPOSED'), 0)::text AS disposed,
              COALESCE(sum(d) FILTER (WHERE occurred_at >= $2 AND type IN ('SPLIT', 'MERGED', 'SPLIT_FROM', 'MERGED_FROM')), 0)::text AS lineage,
              COALESCE(sum(d) FILTER (WHERE occurred_at >= $2 AND type = 'CORRECTED'), 0)::text AS corrections,
              COALESCE(sum(d) FILTER (WHERE occurred_at >= $2 AND type NOT IN ('GENERATED', 'RECEIVED', 'INSPECTED',
                'TREATED', 'DISPOSED', 'SPLIT', 'MERGED', 'SPLIT_FROM', 'MERGED_FROM', 'CORRECTED')), 0)::text AS other
         FROM delta
        GROUP BY waste_code, waste_category, unit
        ORDER BY waste_code, unit`,
      [organisationId, from, to],
    );
    return rows.map((r) => ({
      wasteCode: r.wasteCode,
      wasteCategory: r.wasteCategory,
      unit: r.unit,
      heldStart: int(r.heldStart),
      heldEnd: int(r.heldEnd),
      generated: int(r.generated),
      received: int(r.received),
      sent: int(r.sent),
      treated: int(r.treated),
      disposed: int(r.disposed),
      lineage: int(r.lineage),
      corrections: int(r.corrections),
      other: int(r.other),
    }));
  }

  /**
   * Grams generated per organisation and China calendar year (GENERATED lots only: split and
   * merged lots are not new waste), for years up to `untilYear`.
   */
  async generationByYear(organisationIds: readonly string[], untilYear: number): Promise<GenerationYearRow[]> {
    if (organisationIds.length === 0) return [];
    const rows: Array<{ organisationId: string; year: number; grams: string }> = await this.dataSource.query(
      `SELECT l.generator_organisation_id AS "organisationId",
              extract(year FROM l.generated_at AT TIME ZONE 'Asia/Shanghai')::int AS year,
              sum((e.payload->'quantity'->>'amount')::bigint)::text AS grams
         FROM lots l
         JOIN custody_events e ON e.lot_id = l.id AND e.chain_started_at = l.created_at AND e.seq = 1
        WHERE l.generator_organisation_id = ANY($1::uuid[]) AND e.type = 'GENERATED' AND l.quantity_unit = 'g'
          AND l.generated_at < make_timestamptz($2 + 1, 1, 1, 0, 0, 0, 'Asia/Shanghai')
        GROUP BY 1, 2`,
      [organisationIds, untilYear],
    );
    return rows.map((r) => ({ organisationId: r.organisationId, year: Number(r.year), grams: BigInt(r.grams) }));
  }

  /**
   * The other facts of the tier: the year of first generation (when the site started running, as
   * far as the ledger knows), whether it utilises or disposes of waste itself (a TREATER, or
   * TREATED/DISPOSED events it recorded outside any manifest), and whether it holds an HW operating
   * licence (not revoked or cancelled) valid at some time in the assessment year.
   */
  tierFacts(organisationIds: readonly string[], year: number): Promise<TierFactsRow[]> {
    if (organisationIds.length === 0) return Promise.resolve([]);
    return this.dataSource.query(
      `SELECT o.id AS "organisationId",
              (SELECT extract(year FROM min(l.generated_at) AT TIME ZONE 'Asia/Shanghai')::int
                 FROM lots l
                WHERE l.generator_organisation_id = o.id
                  AND NOT EXISTS (SELECT 1 FROM lot_lineage g WHERE g.child_lot_id = l.id)) AS "firstYear",
              ('TREATER' = ANY(o.roles) OR EXISTS (
                 SELECT 1 FROM custody_events e
                  WHERE e.actor_organisation_id = o.id AND e.type IN ('TREATED', 'DISPOSED')
                    AND NOT e.payload ? 'manifestId'
                    AND e.occurred_at < make_timestamptz($2 + 1, 1, 1, 0, 0, 0, 'Asia/Shanghai'))) AS "ownFacility",
              EXISTS (SELECT 1 FROM permits p
                       WHERE p.organisation_id = o.id AND p.kind::text = ANY($3::text[])
                         AND p.status NOT IN ('REVOKED', 'CANCELLED')
                         AND p.valid_from <= make_date($2, 12, 31) AND p.valid_to >= make_date($2, 1, 1))
                AS "operatingLicence"
         FROM organisations o
        WHERE o.id = ANY($1::uuid[])`,
      [organisationIds, year, OPERATING_LICENCE_KINDS],
    );
  }

  /** Open and acknowledged flags involving the organisation, counted by rule and severity. */
  async openFlagsByRule(organisationId: string): Promise<Array<{ ruleId: string; severity: string; count: number }>> {
    const rows: Array<{ ruleId: string; severity: string; count: number }> = await this.dataSource.query(
      `SELECT rule_id AS "ruleId", severity, count(*)::int AS count
         FROM flags
        WHERE $1::uuid = ANY(organisation_ids) AND status IN ('OPEN', 'ACKNOWLEDGED')
        GROUP BY rule_id, severity
        ORDER BY rule_id, severity`,
      [organisationId],
    );
    return rows;
  }

  permitsOf(organisationId: string): Promise<PermitRow[]> {
    return this.dataSource.query(
      `SELECT id, kind, number, status, operation_modes::text[] AS "operationModes", waste_codes AS "wasteCodes",
              waste_categories AS "wasteCategories", annual_capacity_grams::text AS "annualCapacityGrams",
              to_char(valid_from, 'YYYY-MM-DD') AS "validFrom", to_char(valid_to, 'YYYY-MM-DD') AS "validTo", issuer
         FROM permits WHERE organisation_id = $1 ORDER BY created_at, id`,
      [organisationId],
    );
  }
}
