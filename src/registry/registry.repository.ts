import { Injectable } from '@nestjs/common';
import { escapeLiteral } from 'pg';
import { DataSource } from 'typeorm';
import { regionBounds, type ReadScope } from '../common/auth/read-scope';
import { copyOut, CopyTextJsonLines } from '../database/pg-copy';
import { pgPool } from '../database/pg-pool';
import { REGISTER_COLUMNS, registerCopySql, type RegisterFormat, type RegisterKind } from './domain/register-columns';

const CARRIERS = `(SELECT string_agg(co.name, ' → ' ORDER BY c.position)
                     FROM manifest_carriers c JOIN organisations co ON co.id = c.organisation_id
                    WHERE c.manifest_id = m.id)`;

const LINE = `ml.line_no, ml.lot_id, l.label_code, ml.waste_code, l.waste_category, wc.description_zh AS waste_name,
              ml.hazard, ml.unit, ml.declared_quantity::text AS declared_quantity, ml.declared_containers`;

const LINE_JOINS = `JOIN manifest_lines ml ON ml.manifest_id = m.id
                    JOIN lots l ON l.id = ml.lot_id
                    LEFT JOIN waste_codes wc ON wc.edition_id = l.catalogue_edition_id AND wc.code = ml.waste_code`;

/**
 * The query of each register. Parameters: $1 from, $2 to (half-open), $3/$4 region bounds (or
 * null), $5 organisation (or null), written in by `registerQuery`. Rows come in a stable order
 * (time, then identifiers). The benchmark's baseline copies the same query unformatted.
 */
export const REGISTER_QUERIES: Record<RegisterKind, string> = {
  // Received by the organisation as consignee: manifest lines delivered to it in the period.
  incoming: `
    SELECT ce.name AS organisation_name, ce.registration_code AS organisation_code,
           d.occurred_at AS delivered_at, r.occurred_at AS received_at, m.number AS manifest_number,
           m.status::text AS manifest_status, cr.name AS consignor_name, cr.registration_code AS consignor_code,
           m.consignor_region, ${CARRIERS} AS carriers, ${LINE},
           ml.physical_form, ml.packaging, ml.received_quantity::text AS received_quantity, ml.received_containers,
           ml.received_waste_code, ml.decision::text AS decision, ml.accepted_quantity::text AS accepted_quantity,
           ml.rejection_reason, m.planned_operation, ml.operation_code, ml.treated_quantity::text AS treated_quantity
      FROM manifests m
      JOIN manifest_steps d ON d.manifest_id = m.id AND d.action = 'deliver'
      LEFT JOIN manifest_steps r ON r.manifest_id = m.id AND r.action = 'receive'
      ${LINE_JOINS}
      JOIN organisations cr ON cr.id = m.consignor_id
      JOIN organisations ce ON ce.id = m.consignee_id
     WHERE d.occurred_at >= $1 AND d.occurred_at < $2
       AND ($3::varchar IS NULL OR m.consignee_region BETWEEN $3 AND $4)
       AND ($5::uuid IS NULL OR m.consignee_id = $5)
     ORDER BY d.occurred_at, m.id, ml.line_no`,
  // Sent by the organisation as consignor: manifest lines its first carrier picked up in the period.
  outgoing: `
    SELECT cr.name AS organisation_name, cr.registration_code AS organisation_code,
           p.occurred_at AS transferred_at, m.number AS manifest_number, m.status::text AS manifest_status,
           ce.name AS consignee_name, ce.registration_code AS consignee_code, m.consignee_region,
           (SELECT string_agg(pm.number, ';' ORDER BY pm.created_at, pm.id) FROM permits pm
             WHERE pm.organisation_id = m.consignee_id
               AND pm.kind IN ('HW_OPERATING_COMPREHENSIVE', 'HW_OPERATING_COLLECTION', 'MEDICAL_WASTE_DISPOSAL')
               AND pm.valid_from <= (p.occurred_at AT TIME ZONE 'Asia/Shanghai')::date
               AND pm.valid_to >= (p.occurred_at AT TIME ZONE 'Asia/Shanghai')::date) AS consignee_licences,
           ${CARRIERS} AS carriers, ${LINE},
           ml.physical_form, ml.packaging, m.planned_operation, ml.received_quantity::text AS received_quantity,
           ml.decision::text AS decision, ml.accepted_quantity::text AS accepted_quantity
      FROM manifests m
      JOIN manifest_steps p ON p.manifest_id = m.id AND p.action = 'pickup'
      ${LINE_JOINS}
      JOIN organisations cr ON cr.id = m.consignor_id
      JOIN organisations ce ON ce.id = m.consignee_id
     WHERE p.occurred_at >= $1 AND p.occurred_at < $2
       AND ($3::varchar IS NULL OR m.consignor_region BETWEEN $3 AND $4)
       AND ($5::uuid IS NULL OR m.consignor_id = $5)
     ORDER BY p.occurred_at, m.id, ml.line_no`,
  // Carried by the organisation: each leg it took over in the period (pickup for leg 1, the
  // n-th relay for leg n+1), per manifest line.
  transported: `
    WITH mine AS (
      SELECT c.manifest_id, c.position, c.organisation_id, c.vehicle_plate, c.operating_permit_number,
             c.start_point, c.end_point, co.name, co.registration_code
        FROM manifest_carriers c JOIN organisations co ON co.id = c.organisation_id
       WHERE ($3::varchar IS NULL OR co.region_code BETWEEN $3 AND $4)
         AND ($5::uuid IS NULL OR c.organisation_id = $5)
    ), legs AS (
      SELECT s.manifest_id, s.occurred_at,
             CASE WHEN s.action = 'pickup' THEN 0
                  ELSE (row_number() OVER (PARTITION BY s.manifest_id, s.action ORDER BY s.seq))::int END AS position
        FROM manifest_steps s
       WHERE s.action IN ('pickup', 'relay') AND s.manifest_id IN (SELECT manifest_id FROM mine)
    )
    SELECT mine.name AS organisation_name, mine.registration_code AS organisation_code,
           lg.occurred_at AS taken_over_at,
           CASE WHEN nc.organisation_id IS NULL THEN dl.occurred_at ELSE nx.occurred_at END AS handed_on_at,
           m.number AS manifest_number, m.status::text AS manifest_status, mine.position + 1 AS leg,
           mine.vehicle_plate, mine.operating_permit_number, mine.start_point, mine.end_point,
           CASE WHEN mine.position = 0 THEN cr.name ELSE pco.name END AS from_name,
           COALESCE(nco.name, ce.name) AS to_name, cr.name AS consignor_name, ce.name AS consignee_name,
           ${LINE}, ml.un_number, ml.dangerous_goods_class
      FROM mine
      JOIN legs lg ON lg.manifest_id = mine.manifest_id AND lg.position = mine.position
      JOIN manifests m ON m.id = mine.manifest_id
      LEFT JOIN legs nx ON nx.manifest_id = mine.manifest_id AND nx.position = mine.position + 1
      LEFT JOIN manifest_carriers nc ON nc.manifest_id = mine.manifest_id AND nc.position = mine.position + 1
      LEFT JOIN organisations nco ON nco.id = nc.organisation_id
      LEFT JOIN manifest_carriers pc ON pc.manifest_id = mine.manifest_id AND pc.position = mine.position - 1
      LEFT JOIN organisations pco ON pco.id = pc.organisation_id
      LEFT JOIN manifest_steps dl ON dl.manifest_id = m.id AND dl.action = 'deliver'
      ${LINE_JOINS}
      JOIN organisations cr ON cr.id = m.consignor_id
      JOIN organisations ce ON ce.id = m.consignee_id
     WHERE lg.occurred_at >= $1 AND lg.occurred_at < $2
     ORDER BY lg.occurred_at, m.id, mine.position, ml.line_no`,
  // Treated or disposed of by the organisation: its TREATED and DISPOSED events in the period.
  treated: `
    SELECT o.name AS organisation_name, o.registration_code AS organisation_code, e.occurred_at,
           e.type::text AS event, e.payload->>'operationCode' AS operation_code, l.quantity_unit::text AS unit,
           COALESCE(e.payload->'treated'->>'amount', l.quantity::text) AS quantity, l.id AS lot_id, l.label_code,
           l.waste_code, l.waste_category, wc.description_zh AS waste_name,
           e.payload->>'manifestNumber' AS manifest_number, g.name AS source_name,
           e.payload->>'facilityCode' AS facility_code, e.payload->>'result' AS result, e.seq AS event_seq,
           encode(e.hash, 'hex') AS event_hash
      FROM custody_events e
      JOIN lots l ON l.id = e.lot_id AND l.created_at = e.chain_started_at
      JOIN organisations o ON o.id = e.actor_organisation_id
      JOIN organisations g ON g.id = l.generator_organisation_id
      LEFT JOIN waste_codes wc ON wc.edition_id = l.catalogue_edition_id AND wc.code = l.waste_code
     WHERE e.type IN ('TREATED', 'DISPOSED') AND e.occurred_at >= $1 AND e.occurred_at < $2
       AND ($3::varchar IS NULL OR o.region_code BETWEEN $3 AND $4)
       AND ($5::uuid IS NULL OR e.actor_organisation_id = $5)
     ORDER BY e.occurred_at, e.lot_id, e.seq`,
};

/** The register query with its parameters written in as SQL literals (COPY takes no parameters). */
export function registerQuery(kind: RegisterKind, q: { scope: ReadScope; from: Date; to: Date }): string {
  const [lo, hi] = q.scope.kind === 'region' ? regionBounds(q.scope.prefix) : [null, null];
  const organisationId = q.scope.kind === 'organisation' ? q.scope.organisationId : null;
  const literal = (v: string | null, type: string) => (v === null ? `NULL::${type}` : `${escapeLiteral(v)}::${type}`);
  const params = [
    literal(q.from.toISOString(), 'timestamptz'),
    literal(q.to.toISOString(), 'timestamptz'),
    literal(lo, 'varchar'),
    literal(hi, 'varchar'),
    literal(organisationId, 'uuid'),
  ];
  return REGISTER_QUERIES[kind].replace(/\$(\d)\b/g, (_, n: string) => params[Number(n) - 1]);
}

/** The NDJSON lines of a register's COPY text rows: its keys in column order, integers as JSON numbers. */
export function ndjsonLines(kind: RegisterKind): CopyTextJsonLines {
  const columns = REGISTER_COLUMNS[kind];
  return new CopyTextJsonLines(
    columns.map((col) => col.key),
    columns.map((col) => col.type === 'integer'),
  );
}

/**
 * Registers streamed by `COPY … TO STDOUT` (one statement, so one snapshot), formatted by
 * PostgreSQL (`registerCopySql`; NDJSON lines made from COPY's text rows as they pass) and passed
 * to the caller in chunks of about 64 KiB: Node holds a few chunks at a time whatever the number
 * of rows, and the connection's socket is paused while the caller has not written them (the
 * server then waits in its write).
 * A caller that stops early (client gone) ends the statement by dropping the connection.
 */
@Injectable()
export class RegistryRepository {
  constructor(private readonly dataSource: DataSource) {}

  async *chunks(
    kind: RegisterKind,
    format: RegisterFormat,
    q: { scope: ReadScope; from: Date; to: Date },
  ): AsyncGenerator<Buffer, void, undefined> {
    const pool = pgPool(this.dataSource);
    if (!pool) throw new Error('register export needs the PostgreSQL driver');
    const client = await pool.connect();
    let completed = false;
    try {
      const sql = registerCopySql(kind, format, registerQuery(kind, q));
      yield* copyOut(client, sql, format === 'csv' ? { crlf: true } : { json: ndjsonLines(kind) });
      completed = true;
    } finally {
      // A COPY left unread cannot be resumed: copyOut has ended the client, and the pool drops it.
      client.release(completed ? undefined : new Error('register export ended before its last row'));
    }
  }
}
