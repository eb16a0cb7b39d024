import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { KeysetPosition } from '../common/pagination/cursor';
import { regionRange } from '../ledger/ledger.repository';
import { ReconciliationRun, ReconciliationRunStatus } from './entities/reconciliation-run.entity';

export interface RunScopeRow {
  regionPrefix: string | null;
  /** First instant covered, or null. */
  from: Date | null;
  /** First instant no longer covered, or null. */
  to: Date | null;
}

export interface RunSubjects {
  lotIds: string[];
  organisationIds: string[];
  /** Facility months, each with the number of events its facility's lots had in the month (its weight). */
  facilityPeriods: Array<{ id: string; events: number }>;
}

const CLOSED = `('DISPOSED', 'SPLIT', 'MERGED')`;

/** Full reconciliation runs and the batches they have processed. */
@Injectable()
export class RunsRepository {
  constructor(private readonly dataSource: DataSource) {}

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  async create(
    manager: EntityManager,
    run: Pick<ReconciliationRun, 'requestedBy' | 'regionPrefix' | 'periodFrom' | 'periodTo'>,
  ): Promise<ReconciliationRun> {
    const repo = manager.getRepository(ReconciliationRun);
    return repo.save(repo.create({ ...run, status: ReconciliationRunStatus.QUEUED }));
  }

  findById(id: string): Promise<ReconciliationRun | null> {
    return this.dataSource.getRepository(ReconciliationRun).findOne({ where: { id } });
  }

  /** Newest first. A regulator sees the runs of regions inside its jurisdiction. */
  list(jurisdictionPrefix: string | null, after: KeysetPosition | null, limit: number): Promise<ReconciliationRun[]> {
    const qb = this.dataSource.getRepository(ReconciliationRun).createQueryBuilder('r');
    if (jurisdictionPrefix !== null) qb.andWhere('starts_with(r.region_prefix, :jp)', { jp: jurisdictionPrefix });
    if (after) qb.andWhere('(r.created_at, r.id) < (:k, :id)', { k: after.k, id: after.id });
    return qb
      .orderBy('r.created_at', 'DESC')
      .addOrderBy('r.id', 'DESC')
      .limit(limit + 1)
      .getMany();
  }

  /** QUEUED → RUNNING, locking the row; null if the run was already planned (or is unknown). */
  async start(manager: EntityManager, runId: string): Promise<ReconciliationRun | null> {
    const [rows] = await manager.query(
      `UPDATE reconciliation_runs SET status = 'RUNNING', started_at = now()
        WHERE id = $1 AND status = 'QUEUED'
        RETURNING id, region_prefix AS "regionPrefix", period_from::text AS "periodFrom", period_to::text AS "periodTo"`,
      [runId],
    );
    return (rows as ReconciliationRun[])[0] ?? null;
  }

  /** Records the plan; a run with nothing to do completes at once. */
  async planned(manager: EntityManager, runId: string, total: number, batches: number): Promise<void> {
    await manager.query(
      `UPDATE reconciliation_runs
          SET total = $2, batches_total = $3,
              status = CASE WHEN $3 = 0 THEN 'COMPLETED'::reconciliation_run_status ELSE status END,
              finished_at = CASE WHEN $3 = 0 THEN now() ELSE finished_at END
        WHERE id = $1`,
      [runId, total, batches],
    );
  }

  /**
   * The subjects of a run, set-based: lots with a party in the region that existed during the
   * period (generated before its end, open or active since its start); medical institutions of the
   * region; facility months of the region's collectors, storers and treaters in which a lot they
   * are party to had an event (with the count of those events).
   */
  async selectSubjects(manager: EntityManager, scope: RunScopeRow): Promise<RunSubjects> {
    const [lo, hi] = scope.regionPrefix ? regionRange(scope.regionPrefix) : [null, null];
    const params = [lo, hi, scope.from, scope.to];
    const lots: Array<{ id: string }> = await manager.query(
      `SELECT l.id FROM lots l
        WHERE ($1::varchar IS NULL OR EXISTS (
                SELECT 1 FROM lot_parties p WHERE p.lot_id = l.id AND p.region_code BETWEEN $1::varchar AND $2::varchar))
          AND ($3::timestamptz IS NULL OR l.head_occurred_at >= $3::timestamptz OR l.status NOT IN ${CLOSED})
          AND ($4::timestamptz IS NULL OR l.generated_at < $4::timestamptz)
        ORDER BY l.id`,
      params,
    );
    const institutions: Array<{ id: string }> = await manager.query(
      `SELECT DISTINCT l.generator_organisation_id::text AS id
         FROM lots l JOIN organisations o ON o.id = l.generator_organisation_id
        WHERE l.waste_category = 'HW01'
          AND ($1::varchar IS NULL OR o.region_code BETWEEN $1::varchar AND $2::varchar)
          AND ($3::timestamptz IS NULL OR l.generated_at < $3::timestamptz)
        ORDER BY 1`,
      [lo, hi, scope.to],
    );
    const periods: Array<{ id: string; events: number }> = await manager.query(
      `SELECT lp.organisation_id::text || '@' || to_char(e.occurred_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM') AS id,
              count(*)::int AS events
         FROM custody_events e
         JOIN lot_parties lp ON lp.lot_id = e.lot_id
         JOIN organisations o ON o.id = lp.organisation_id
        WHERE o.roles && ARRAY['COLLECTOR', 'STORER', 'TREATER']::organisation_role[]
          AND ($1::varchar IS NULL OR o.region_code BETWEEN $1::varchar AND $2::varchar)
          AND ($3::timestamptz IS NULL OR e.occurred_at >= $3::timestamptz)
          AND ($4::timestamptz IS NULL OR e.occurred_at < $4::timestamptz)
        GROUP BY 1
        ORDER BY 1`,
      params,
    );
    return {
      lotIds: lots.map((r) => r.id),
      organisationIds: institutions.map((r) => r.id),
      facilityPeriods: periods,
    };
  }

  /** Claims a batch for processing in the caller's transaction; false if it was already processed. */
  async beginBatch(manager: EntityManager, runId: string, batchNo: number, subjects: number): Promise<boolean> {
    const rows: unknown[] = await manager.query(
      `INSERT INTO reconciliation_run_batches (run_id, batch_no, subjects, flags_raised, flags_resolved, started_at, done_at)
       VALUES ($1, $2, $3, 0, 0, now(), now())
       ON CONFLICT (run_id, batch_no) DO NOTHING
       RETURNING batch_no`,
      [runId, batchNo, subjects],
    );
    return rows.length === 1;
  }

  /** Counts a processed batch into its run (last in the batch's transaction); the last batch completes it. */
  async finishBatch(
    manager: EntityManager,
    runId: string,
    batchNo: number,
    counts: { subjects: number; raised: number; resolved: number },
  ): Promise<void> {
    await manager.query(
      `WITH batch AS (
         UPDATE reconciliation_run_batches SET flags_raised = $3, flags_resolved = $4, done_at = clock_timestamp()
          WHERE run_id = $1 AND batch_no = $2)
       UPDATE reconciliation_runs
          SET processed = processed + $5, batches_done = batches_done + 1,
              flags_raised = flags_raised + $3, flags_resolved = flags_resolved + $4,
              status = CASE WHEN status = 'RUNNING' AND batches_done + 1 >= batches_total
                            THEN 'COMPLETED'::reconciliation_run_status ELSE status END,
              finished_at = CASE WHEN finished_at IS NULL AND batches_done + 1 >= batches_total
                                 THEN now() ELSE finished_at END
        WHERE id = $1`,
      [runId, batchNo, counts.raised, counts.resolved, counts.subjects],
    );
  }

  /** A run whose plan or a batch failed for good. */
  async fail(runId: string, error: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE reconciliation_runs SET status = 'FAILED', error = $2, finished_at = COALESCE(finished_at, now())
        WHERE id = $1 AND status IN ('QUEUED', 'RUNNING')`,
      [runId, error.slice(0, 2000)],
    );
  }
}
