import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { prepared, runPrepared } from '../../database/prepared';

export type Reservation =
  | { outcome: 'reserved' }
  | { outcome: 'replay'; requestHash: string; status: number; body: unknown }
  | { outcome: 'pending'; requestHash: string };

const LOCK_SECONDS = 60;

/** Hot path of every idempotent POST: named prepared statements (src/database/prepared.ts). */
const RESERVE = prepared(`WITH ins AS (
   INSERT INTO idempotency_keys (scope, key, request_hash, locked_until)
   VALUES ($1, $2, $3, now() + make_interval(secs => ${LOCK_SECONDS}))
   ON CONFLICT (scope, key) DO UPDATE
     SET locked_until = EXCLUDED.locked_until
     WHERE idempotency_keys.response_status IS NULL
       AND idempotency_keys.locked_until < now()
       AND idempotency_keys.request_hash = EXCLUDED.request_hash
   RETURNING true AS reserved, request_hash AS "requestHash", NULL::smallint AS status, NULL::jsonb AS body
 )
 SELECT * FROM ins
 UNION ALL
 SELECT false, request_hash, response_status, response_body
   FROM idempotency_keys
  WHERE scope = $1 AND key = $2 AND NOT EXISTS (SELECT 1 FROM ins)`);

const COMPLETE = prepared(
  `UPDATE idempotency_keys SET response_status = $3, response_body = $4::jsonb WHERE scope = $1 AND key = $2`,
);

@Injectable()
export class IdempotencyRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Claims the key, or reports what an earlier request with it did (one round trip). */
  async reserve(scope: string, key: string, requestHash: string): Promise<Reservation> {
    const rows = await runPrepared<{ reserved: boolean; requestHash: string; status: number | null; body: unknown }>(
      this.dataSource.manager,
      RESERVE,
      [scope, key, requestHash],
    );
    // A concurrent first request that committed after this statement's snapshot is not
    // visible to it: look again in a new statement.
    const row =
      rows[0] ??
      (
        await this.dataSource.query(
          `SELECT false AS reserved, request_hash AS "requestHash", response_status AS status, response_body AS body
             FROM idempotency_keys WHERE scope = $1 AND key = $2`,
          [scope, key],
        )
      )[0];
    if (!row) return this.reserve(scope, key, requestHash);
    if (row.reserved) return { outcome: 'reserved' };
    if (row.status === null) return { outcome: 'pending', requestHash: row.requestHash };
    return { outcome: 'replay', requestHash: row.requestHash, status: row.status, body: row.body };
  }

  async complete(scope: string, key: string, status: number, body: unknown): Promise<void> {
    await runPrepared(this.dataSource.manager, COMPLETE, [scope, key, status, JSON.stringify(body ?? null)]);
  }

  /** The request failed without effect: let a retry run it again. */
  async release(scope: string, key: string): Promise<void> {
    await this.dataSource.query(
      `DELETE FROM idempotency_keys WHERE scope = $1 AND key = $2 AND response_status IS NULL`,
      [scope, key],
    );
  }

  async purgeOlderThan(retentionHours: number): Promise<number> {
    const result = await this.dataSource.query(
      `DELETE FROM idempotency_keys WHERE created_at < now() - make_interval(hours => $1)`,
      [retentionHours],
    );
    return result[1] ?? 0;
  }
}
