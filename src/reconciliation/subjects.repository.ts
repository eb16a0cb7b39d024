import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';

export interface SubjectKey {
  type: string;
  id: string;
}

const CLOSED = `('DISPOSED', 'SPLIT', 'MERGED')`;

/** `reconciliation_subjects`: per-subject locks, last evaluation and next due time. */
@Injectable()
export class SubjectsRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Runs `work` in one READ COMMITTED transaction. */
  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  /**
   * Locks the subjects' rows for the rest of the transaction (creating them), in key order so
   * that two evaluations locking overlapping sets wait for each other instead of deadlocking, and
   * stamps the evaluation. Re-locking a row this transaction holds does not wait.
   */
  async lock(manager: EntityManager, keys: readonly SubjectKey[], profileId: string): Promise<void> {
    const unique = [...new Map(keys.map((k) => [`${k.type}:${k.id}`, k])).values()];
    if (unique.length === 0) return;
    await manager.query(
      `INSERT INTO reconciliation_subjects (subject_type, subject_id, evaluated_at, profile_id)
       SELECT t, i, now(), $3 FROM unnest($1::varchar[], $2::varchar[]) AS s(t, i)
        ORDER BY t COLLATE "C", i COLLATE "C"
       ON CONFLICT (subject_type, subject_id)
         DO UPDATE SET evaluated_at = EXCLUDED.evaluated_at, profile_id = EXCLUDED.profile_id`,
      [unique.map((k) => k.type), unique.map((k) => k.id), profileId],
    );
  }

  /** Sets when each subject is next due (null: nothing about it depends on time). */
  async setDue(manager: EntityManager, due: ReadonlyMap<string, Date | null>): Promise<void> {
    if (due.size === 0) return;
    const entries = [...due].map(([key, at]) => {
      const colon = key.indexOf(':');
      return { type: key.slice(0, colon), id: key.slice(colon + 1), at };
    });
    await manager.query(
      `UPDATE reconciliation_subjects s SET due_at = d.due
         FROM unnest($1::varchar[], $2::varchar[], $3::timestamptz[]) AS d(t, i, due)
        WHERE s.subject_type = d.t AND s.subject_id = d.i`,
      [entries.map((e) => e.type), entries.map((e) => e.id), entries.map((e) => e.at)],
    );
  }

  /**
   * For the sweep: subjects due now (oldest first), and open lots never evaluated (created more
   * than `graceMs` ago: newer ones have their own job on the way). Both get a lease (`due_at` moved
   * to `leaseUntil`) in the same transaction as the batches are written, so that the next sweep
   * does not take them again while their batch is pending, and takes them again if it was lost.
   */
  async takeDue(
    manager: EntityManager,
    limit: number,
    leaseUntil: Date,
    graceMs: number,
  ): Promise<{ lotIds: string[]; organisationIds: string[]; manifestIds: string[]; neverEvaluated: string[] }> {
    const due: SubjectKey[] = await manager
      .query(
        `WITH due AS (
         SELECT subject_type, subject_id FROM reconciliation_subjects
          WHERE due_at <= now()
          ORDER BY due_at
          LIMIT $1
          FOR UPDATE SKIP LOCKED)
       UPDATE reconciliation_subjects s SET due_at = $2
         FROM due WHERE s.subject_type = due.subject_type AND s.subject_id = due.subject_id
       RETURNING s.subject_type AS type, s.subject_id AS id`,
        [limit, leaseUntil],
      )
      .then(([rows]: [SubjectKey[]]) => rows);
    const fresh: Array<{ id: string }> = await manager.query(
      `INSERT INTO reconciliation_subjects (subject_type, subject_id, evaluated_at, due_at)
       SELECT 'LOT', l.id::text, NULL, $2 FROM lots l
        WHERE l.status NOT IN ${CLOSED} AND l.created_at < now() - make_interval(secs => $3::float8 / 1000)
          AND NOT EXISTS (SELECT 1 FROM reconciliation_subjects s
                           WHERE s.subject_type = 'LOT' AND s.subject_id = l.id::text)
        ORDER BY l.created_at
        LIMIT $1
       ON CONFLICT DO NOTHING
       RETURNING subject_id AS id`,
      [limit, leaseUntil, graceMs],
    );
    const of = (type: string) => due.filter((k) => k.type === type).map((k) => k.id);
    return {
      lotIds: of('LOT'),
      organisationIds: of('ORGANISATION'),
      manifestIds: of('MANIFEST'),
      neverEvaluated: fresh.map((r) => r.id),
    };
  }

  /** For tests and operators: how many subjects are due now. */
  async countDue(): Promise<number> {
    const [row] = await this.dataSource.query(
      `SELECT count(*)::int AS n FROM reconciliation_subjects WHERE due_at <= now()`,
    );
    return row.n;
  }
}
