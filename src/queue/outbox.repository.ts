import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { OUTBOX_IDS_FIELD, type JobName, type JobPayloads } from './job-contracts';

export interface ClaimedMessage {
  id: string;
  jobName: string;
  payload: unknown;
  /** Dispatches so far, this one included (more than 1: a redispatch). */
  dispatchCount: number;
  /** The job of the previous dispatch (null before the first, or if it was not recorded). */
  jobId: string | null;
}

/** Outbox rows are job ids too: `outbox-<id>`, so BullMQ drops a duplicate while one is pending. */
export const outboxJobId = (id: string) => `outbox-${id}`;
export const outboxIdOf = (jobId: string | undefined) =>
  jobId?.startsWith('outbox-') && /^\d+$/.test(jobId.slice(7)) ? jobId.slice(7) : null;
/** A job merged from several rows: `outbox-<first id>+<rows>`; its data lists the rows. */
export const mergedJobId = (ids: readonly string[]) => `outbox-${ids[0]}+${ids.length}`;

/** The outbox rows a job stands for: those listed in a merged job's data, or the one its id names. */
export function outboxIdsOf(jobId: string | undefined, data: unknown): string[] {
  const listed = (data as Record<string, unknown> | null)?.[OUTBOX_IDS_FIELD];
  if (Array.isArray(listed)) return listed.filter((id): id is string => typeof id === 'string' && /^\d+$/.test(id));
  const single = outboxIdOf(jobId);
  return single ? [single] : [];
}

@Injectable()
export class OutboxRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Writes jobs in the caller's transaction: they exist if and only if the change commits. */
  async enqueue<N extends JobName>(
    manager: EntityManager,
    jobs: Array<{ name: N; payload: JobPayloads[N] }>,
  ): Promise<void> {
    if (jobs.length === 0) return;
    await manager.query(
      `INSERT INTO outbox_messages (job_name, payload)
       SELECT * FROM unnest($1::varchar[], $2::jsonb[])`,
      [jobs.map((j) => j.name), jobs.map((j) => JSON.stringify(j.payload))],
    );
  }

  /**
   * Claims up to `limit` rows: first rows never dispatched, in id order; then, to fill the batch,
   * rows dispatched more than `redispatchAfterMs` ago and still not processed (their job may
   * still wait behind a long queue: the relay checks before dispatching again). Fresh rows first,
   * so that a backlog of dispatched jobs waiting on busy workers never holds new ones back.
   * SKIP LOCKED lets relays run in parallel.
   */
  async claim(limit: number, redispatchAfterMs: number): Promise<ClaimedMessage[]> {
    const fresh = await this.claimWhere('dispatched_at IS NULL', limit, null);
    if (fresh.length >= limit) return fresh;
    const stale = await this.claimWhere(
      'dispatched_at < now() - make_interval(secs => $2::float8 / 1000)',
      limit - fresh.length,
      redispatchAfterMs,
    );
    return [...fresh, ...stale];
  }

  private async claimWhere(
    condition: string,
    limit: number,
    redispatchAfterMs: number | null,
  ): Promise<ClaimedMessage[]> {
    // TypeORM answers an UPDATE … RETURNING with [rows, affected].
    const [rows]: [ClaimedMessage[], number] = await this.dataSource.query(
      `UPDATE outbox_messages o
          SET dispatched_at = now(), dispatch_count = o.dispatch_count + 1
        WHERE o.id IN (
              SELECT id FROM outbox_messages
               WHERE processed_at IS NULL AND failed_at IS NULL AND ${condition}
               ORDER BY id
               LIMIT $1
               FOR UPDATE SKIP LOCKED)
       RETURNING o.id::text AS id, o.job_name AS "jobName", o.payload, o.dispatch_count AS "dispatchCount",
                 o.job_id AS "jobId"`,
      redispatchAfterMs === null ? [limit] : [limit, redispatchAfterMs],
    );
    return rows;
  }

  /** Records the job each dispatched row went into (so that a redispatch check finds a merged job). */
  async recordJobIds(rows: ReadonlyArray<{ id: string; jobId: string }>): Promise<void> {
    if (rows.length === 0) return;
    await this.dataSource.query(
      `UPDATE outbox_messages o SET job_id = r.job_id
         FROM unnest($1::bigint[], $2::varchar[]) AS r(id, job_id)
        WHERE o.id = r.id`,
      [rows.map((r) => r.id), rows.map((r) => r.jobId)],
    );
  }

  /** The dispatch did not reach Redis: make the rows eligible again at once. */
  async unclaim(ids: string[]): Promise<void> {
    await this.dataSource.query(`UPDATE outbox_messages SET dispatched_at = NULL WHERE id = ANY($1::bigint[])`, [ids]);
  }

  async markProcessed(id: string | readonly string[]): Promise<void> {
    await this.dataSource.query(
      `UPDATE outbox_messages SET processed_at = now() WHERE id = ANY($1::bigint[]) AND processed_at IS NULL`,
      [typeof id === 'string' ? [id] : id],
    );
  }

  async markFailed(id: string | readonly string[]): Promise<void> {
    await this.dataSource.query(`UPDATE outbox_messages SET failed_at = now() WHERE id = ANY($1::bigint[])`, [
      typeof id === 'string' ? [id] : id,
    ]);
  }

  async recordFailure(f: {
    queue: string;
    jobId: string;
    jobName: string;
    payload: unknown;
    attempts: number;
    error: string;
  }): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO job_failures (queue, job_id, job_name, payload, attempts, error) VALUES ($1, $2, $3, $4::jsonb, $5, $6)`,
      [f.queue, f.jobId, f.jobName, JSON.stringify(f.payload ?? null), f.attempts, f.error.slice(0, 10_000)],
    );
  }

  async countPending(): Promise<number> {
    const [row] = await this.dataSource.query(
      `SELECT count(*)::int AS n FROM outbox_messages WHERE processed_at IS NULL AND failed_at IS NULL`,
    );
    return row.n;
  }

  async purgeProcessed(retentionHours: number): Promise<number> {
    const result = await this.dataSource.query(
      `DELETE FROM outbox_messages WHERE processed_at < now() - make_interval(hours => $1)`,
      [retentionHours],
    );
    return result[1] ?? 0;
  }
}
