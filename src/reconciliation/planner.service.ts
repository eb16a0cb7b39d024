import { Injectable, Logger } from '@nestjs/common';
import { chinaDayStart } from '../common/time/china-date';
import { AppConfig } from '../config/app-config';
import type { JobPayloads } from '../queue/job-contracts';
import { OutboxRepository } from '../queue/outbox.repository';
import { addCalendarDays } from './domain/working-days';
import { chunk, chunkByEvents } from './plan-batches';
import { FactsLoader } from './facts/facts.loader';
import { RunsRepository } from './runs.repository';
import { SubjectsRepository } from './subjects.repository';

type Batch = JobPayloads['reconciliation.run-batch'];

/** How long a subject taken by a sweep waits for its batch before another sweep may take it again. */
const SWEEP_LEASE_SWEEPS = 6;
/** Subjects one sweep takes at most (the next sweep takes the rest). */
const SWEEP_LIMIT = 50_000;

/**
 * Turns a full run, or a sweep, into batch jobs: subjects selected with set-based SQL, split into
 * batches of RECONCILIATION_BATCH_SIZE and written to the outbox in the same transaction as the
 * state that records them (so that a crash loses nothing and a replay plans nothing twice).
 */
@Injectable()
export class PlannerService {
  private readonly logger = new Logger(PlannerService.name);

  constructor(
    private readonly config: AppConfig,
    private readonly runs: RunsRepository,
    private readonly subjects: SubjectsRepository,
    private readonly outbox: OutboxRepository,
    private readonly loader: FactsLoader,
  ) {}

  /** Plans a run once: QUEUED → RUNNING with its batches; a replay finds it planned and does nothing. */
  async planRun(runId: string): Promise<{ planned: boolean; total: number; batches: number }> {
    return this.runs.transaction(async (manager) => {
      const run = await this.runs.start(manager, runId);
      if (!run) return { planned: false, total: 0, batches: 0 };
      const scope = {
        regionPrefix: run.regionPrefix,
        from: run.periodFrom ? chinaDayStart(run.periodFrom) : null,
        to: run.periodTo ? chinaDayStart(addCalendarDays(run.periodTo, 1)) : null,
      };
      const selected = await this.runs.selectSubjects(manager, scope);
      const manifestIds = await this.loader.manifests.idsForRun(manager, scope);
      const size = this.config.RECONCILIATION_BATCH_SIZE;
      const batches: Batch[] = [];
      const add = (part: Partial<Batch>) =>
        batches.push({ runId, batchNo: batches.length + 1, lotIds: [], organisationIds: [], ...part });
      for (const lotIds of chunk(selected.lotIds, size)) add({ lotIds });
      for (const organisationIds of chunk(selected.organisationIds, size)) add({ organisationIds });
      for (const facilityPeriods of chunkByEvents(selected.facilityPeriods, size)) add({ facilityPeriods });
      for (const ids of chunk(manifestIds, size)) add({ manifestIds: ids });
      const total =
        selected.lotIds.length + selected.organisationIds.length + selected.facilityPeriods.length + manifestIds.length;
      await this.outbox.enqueue(
        manager,
        batches.map((payload) => ({ name: 'reconciliation.run-batch' as const, payload })),
      );
      await this.runs.planned(manager, runId, total, batches.length);
      this.logger.log(`run ${runId}: ${total} subjects in ${batches.length} batches`);
      return { planned: true, total, batches: batches.length };
    });
  }

  /**
   * Takes the subjects due now (their time-based findings may have changed) and the open lots never
   * evaluated, and writes their batches to the outbox, in one transaction.
   */
  async sweep(): Promise<{ subjects: number; batches: number }> {
    const leaseUntil = new Date(Date.now() + SWEEP_LEASE_SWEEPS * this.config.RECONCILIATION_SWEEP_MS);
    return this.subjects.transaction(async (manager) => {
      const grace = Math.min(60_000, this.config.RECONCILIATION_SWEEP_MS);
      const due = await this.subjects.takeDue(manager, SWEEP_LIMIT, leaseUntil, grace);
      const size = this.config.RECONCILIATION_BATCH_SIZE;
      const batches: Batch[] = [];
      const add = (part: Partial<Batch>) =>
        batches.push({ runId: null, batchNo: batches.length + 1, lotIds: [], organisationIds: [], ...part });
      for (const lotIds of chunk(due.lotIds, size)) add({ lotIds });
      for (const lotIds of chunk(due.neverEvaluated, size)) add({ lotIds, expand: true });
      for (const organisationIds of chunk(due.organisationIds, size)) add({ organisationIds });
      for (const manifestIds of chunk(due.manifestIds, size)) add({ manifestIds });
      await this.outbox.enqueue(
        manager,
        batches.map((payload) => ({ name: 'reconciliation.run-batch' as const, payload })),
      );
      const subjects =
        due.lotIds.length + due.neverEvaluated.length + due.organisationIds.length + due.manifestIds.length;
      if (subjects > 0) this.logger.log(`sweep: ${subjects} subjects in ${batches.length} batches`);
      return { subjects, batches: batches.length };
    });
  }
}
