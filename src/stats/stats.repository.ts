import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { regionBounds, type ReadScope } from '../common/auth/read-scope';

export type TonnageKind = 'generated' | 'transferred' | 'treated';
export type TonnageGroup = 'category' | 'code';
export type TonnagePeriod = 'month' | 'year';

export interface TonnageRow {
  period: string;
  group: string;
  region: string | null;
  grams: string;
  count: number;
}

export interface InstitutionRow {
  organisationId: string;
  name: string;
  regionCode: string;
  lots: number;
  onTime: number;
  late: number;
  overdue: number;
  waiting: number;
  selfDisposed: number;
  /** Longest time from generation to pickup (or to now, if still waiting past the limit), in hours. */
  worstHours: string | null;
}

/** The flow each kind counts: its time, waste code and category, region and quantity (grams). */
const SOURCES: Record<
  TonnageKind,
  { from: string; time: string; code: string; category: string; region: string; org: string; grams: string }
> = {
  // Genesis quantity of lots generated (split and merged lots are not new waste).
  generated: {
    from: `lots l
      JOIN organisations o ON o.id = l.generator_organisation_id
      JOIN custody_events e ON e.lot_id = l.id AND e.chain_started_at = l.created_at AND e.seq = 1
     WHERE e.type = 'GENERATED' AND l.quantity_unit = 'g'`,
    time: 'l.generated_at',
    code: 'l.waste_code',
    category: 'l.waste_category',
    region: 'o.region_code',
    org: 'l.generator_organisation_id',
    grams: `(e.payload->'quantity'->>'amount')::bigint`,
  },
  // Declared quantity of manifest lines, when the first carrier picked them up; the sending place.
  transferred: {
    from: `manifest_steps s
      JOIN manifests m ON m.id = s.manifest_id
      JOIN manifest_lines ml ON ml.manifest_id = m.id
      JOIN lots l ON l.id = ml.lot_id
     WHERE s.action = 'pickup' AND ml.unit = 'g'`,
    time: 's.occurred_at',
    code: 'ml.waste_code',
    category: 'l.waste_category',
    region: 'm.consignor_region',
    org: 'm.consignor_id',
    grams: 'ml.declared_quantity',
  },
  // Quantity treated or disposed of (the manifest's treated quantity, else the lot's), once per lot,
  // where the facility that did it is.
  treated: {
    from: `custody_events e
      JOIN lots l ON l.id = e.lot_id AND l.created_at = e.chain_started_at
      JOIN organisations o ON o.id = e.actor_organisation_id
     WHERE e.type IN ('TREATED', 'DISPOSED') AND l.quantity_unit = 'g'
       AND NOT EXISTS (
         SELECT 1 FROM custody_events p
          WHERE p.lot_id = e.lot_id AND p.chain_started_at = e.chain_started_at AND p.seq < e.seq
            AND p.type IN ('TREATED', 'DISPOSED') AND COALESCE((p.payload->'remaining'->>'amount')::bigint, 0) = 0)`,
    time: 'e.occurred_at',
    code: 'l.waste_code',
    category: 'l.waste_category',
    region: 'o.region_code',
    org: 'e.actor_organisation_id',
    grams: `COALESCE((e.payload->'treated'->>'amount')::bigint, l.quantity)`,
  },
};

function scopeParams(scope: ReadScope): [string | null, string | null, string | null] {
  if (scope.kind === 'region') return [...regionBounds(scope.prefix), null];
  if (scope.kind === 'organisation') return [null, null, scope.organisationId];
  return [null, null, null];
}

/** Set-based statistics over the ledger and manifests. */
@Injectable()
export class StatsRepository {
  constructor(private readonly dataSource: DataSource) {}

  tonnage(q: {
    kind: TonnageKind;
    groupBy: TonnageGroup;
    period: TonnagePeriod;
    regionLevel: number | null;
    scope: ReadScope;
    from: Date;
    to: Date;
  }): Promise<TonnageRow[]> {
    const s = SOURCES[q.kind];
    return this.dataSource.query(
      `SELECT to_char(${s.time} AT TIME ZONE 'Asia/Shanghai', $3) AS period,
              ${q.groupBy === 'code' ? s.code : s.category} AS "group",
              CASE WHEN $4::int IS NULL THEN NULL ELSE left(${s.region}, $4::int) END AS region,
              sum(${s.grams})::text AS grams, count(*)::int AS count
         FROM ${s.from}
          AND ${s.time} >= $1 AND ${s.time} < $2
          AND ($5::varchar IS NULL OR ${s.region} BETWEEN $5 AND $6)
          AND ($7::uuid IS NULL OR ${s.org} = $7)
        GROUP BY 1, 2, 3
        ORDER BY 1, 2, 3`,
      [q.from, q.to, q.period === 'month' ? 'YYYY-MM' : 'YYYY', q.regionLevel, ...scopeParams(q.scope)],
    );
  }

  /**
   * Per institution (generator of HW01 lots in the period): how its lots were picked up. A lot's
   * pickup is the first RECEIVED by another organisation on the lot or on any lot made from it
   * (lineage followed to a bounded depth).
   */
  medicalCollection(q: {
    scope: ReadScope;
    from: Date;
    to: Date;
    limitHours: number;
    now: Date;
  }): Promise<InstitutionRow[]> {
    return this.dataSource.query(
      `WITH RECURSIVE med AS (
         SELECT l.id, l.generator_organisation_id AS org, l.generated_at
           FROM lots l JOIN organisations o ON o.id = l.generator_organisation_id
          WHERE l.waste_category = 'HW01' AND l.generated_at >= $1 AND l.generated_at < $2
            AND NOT EXISTS (SELECT 1 FROM lot_lineage g WHERE g.child_lot_id = l.id)
            AND ($5::varchar IS NULL OR o.region_code BETWEEN $5 AND $6)
            AND ($7::uuid IS NULL OR l.generator_organisation_id = $7)
       ), fam(root, lot_id, depth) AS (
         SELECT id, id, 0 FROM med
         UNION
         SELECT f.root, g.child_lot_id, f.depth + 1 FROM fam f JOIN lot_lineage g ON g.parent_lot_id = f.lot_id
          WHERE f.depth < 8
       ), acts AS (
         SELECT f.root,
                min(e.occurred_at) FILTER (WHERE e.type = 'RECEIVED' AND e.actor_organisation_id <> med.org) AS picked_up_at,
                min(e.occurred_at) FILTER (WHERE e.type IN ('TREATED', 'DISPOSED') AND e.actor_organisation_id = med.org)
                  AS self_disposed_at
           FROM fam f
           JOIN med ON med.id = f.root
           JOIN lots d ON d.id = f.lot_id
           JOIN custody_events e ON e.lot_id = d.id AND e.chain_started_at = d.created_at
          WHERE e.type IN ('RECEIVED', 'TREATED', 'DISPOSED')
          GROUP BY f.root
       ), judged AS (
         SELECT med.org, med.generated_at,
                CASE
                  WHEN a.picked_up_at IS NOT NULL AND (a.self_disposed_at IS NULL OR a.picked_up_at <= a.self_disposed_at)
                    THEN CASE WHEN a.picked_up_at <= med.generated_at + make_interval(hours => $3::int) THEN 'ON_TIME' ELSE 'LATE' END
                  WHEN a.self_disposed_at IS NOT NULL THEN 'SELF_DISPOSED'
                  WHEN $4 > med.generated_at + make_interval(hours => $3::int) THEN 'OVERDUE'
                  ELSE 'WAITING'
                END AS outcome,
                extract(epoch FROM (COALESCE(a.picked_up_at, $4) - med.generated_at)) / 3600 AS hours
           FROM med LEFT JOIN acts a ON a.root = med.id
       )
       SELECT j.org AS "organisationId", o.name, o.region_code AS "regionCode", count(*)::int AS lots,
              count(*) FILTER (WHERE outcome = 'ON_TIME')::int AS "onTime",
              count(*) FILTER (WHERE outcome = 'LATE')::int AS late,
              count(*) FILTER (WHERE outcome = 'OVERDUE')::int AS overdue,
              count(*) FILTER (WHERE outcome = 'WAITING')::int AS waiting,
              count(*) FILTER (WHERE outcome = 'SELF_DISPOSED')::int AS "selfDisposed",
              round(max(hours) FILTER (WHERE outcome IN ('ON_TIME', 'LATE', 'OVERDUE')), 2)::text AS "worstHours"
         FROM judged j JOIN organisations o ON o.id = j.org
        GROUP BY j.org, o.name, o.region_code
        ORDER BY o.region_code, o.name, j.org`,
      [q.from, q.to, q.limitHours, q.now, ...scopeParams(q.scope)],
    );
  }
}
