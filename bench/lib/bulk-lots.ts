import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import { GENESIS_HASH, sealEvents } from '../../src/ledger/domain/event-hash';

export interface BulkLot {
  generatorId: string;
  occurredAt: Date;
  grams: number;
}

/**
 * Registers lots set-based, `chunk` per statement: the lot rows, their GENERATED events (hashed
 * exactly as the ledger hashes them, so that their chains verify) and their generator parties, in
 * one statement per chunk, through the ledger's own tables, constraints and triggers. No outbox
 * rows: as a bulk import would, they are left to a reconciliation run (or the sweep).
 */
export async function insertLots(pool: Pool, lots: readonly BulkLot[], chunk = 2000): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < lots.length; i += chunk) {
    const part = lots.slice(i, i + chunk);
    const recordedAt = new Date(Math.floor(Date.now()));
    const rows = part.map((l) => {
      const id = randomUUID();
      const payload = {
        wasteCode: '900-041-49',
        quantity: { amount: String(l.grams), unit: 'g' },
        handlerName: 'bench',
      };
      const [sealed] = sealEvents(
        id,
        { seq: 0, hash: GENESIS_HASH },
        [{ type: 'GENERATED', occurredAt: l.occurredAt, payload }],
        recordedAt,
        { organisationId: l.generatorId, memberId: null },
      );
      return { id, l, payload, hash: sealed.hash };
    });
    await pool.query(
      `WITH x AS (
         SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::timestamptz[], $4::text[], $5::jsonb[], $6::bigint[])
                    AS x(id, gen, occurred, hash, payload, qty)
       ), lot AS (
         INSERT INTO lots (id, label_code, label_code_issued, waste_code, waste_category, catalogue_edition_id,
                           medical_class, identification_ref, quantity, quantity_unit, quantity_method, physical_form,
                           packaging_type, container_count, generator_organisation_id, custodian_organisation_id,
                           status, generated_at, head_seq, head_hash, head_occurred_at, created_at, updated_at, created_by)
         SELECT id, 'BULK-' || id, false, '900-041-49', 'HW49', 'CN-HW-2021', NULL, NULL, qty, 'g', 'WEIGHED', 'SOLID',
                'DRUM', 1, gen, gen, 'ACTIVE', occurred, 1, decode(hash, 'hex'), occurred, $7, $7, 'bench:bulk'
           FROM x
         RETURNING id
       ), events AS (
         INSERT INTO custody_events (lot_id, seq, chain_started_at, format, type, occurred_at, recorded_at,
                                     actor_organisation_id, actor_member_id, payload, prev_hash, hash)
         SELECT id, 1, $7, 1, 'GENERATED', occurred, $7, gen, NULL, payload, decode(repeat('0', 64), 'hex'),
                decode(hash, 'hex')
           FROM x
       ), parties AS (
         INSERT INTO lot_parties (lot_id, organisation_id, region_code, role, since)
         SELECT x.id, o.id, o.region_code, 'GENERATOR', $7 FROM x JOIN organisations o ON o.id = x.gen
       )
       SELECT count(*) FROM lot`,
      [
        rows.map((r) => r.id),
        rows.map((r) => r.l.generatorId),
        rows.map((r) => r.l.occurredAt),
        rows.map((r) => r.hash),
        rows.map((r) => JSON.stringify(r.payload)),
        rows.map((r) => String(r.l.grams)),
        recordedAt,
      ],
    );
    ids.push(...rows.map((r) => r.id));
  }
  return ids;
}
