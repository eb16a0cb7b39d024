import { Injectable } from '@nestjs/common';
import type { JobPayloads } from '../../queue/job-contracts';
import { HandlesJob, type JobHandler } from '../../queue/job-handler';
import { ReconciliationService } from '../reconciliation.service';
import { RunsRepository } from '../runs.repository';

/**
 * `reconciliation.run-batch`: hundreds of subjects in one transaction. A run's batch is counted
 * into its run once (a replay finds it done); a sweep's batch (runId null) just reconciles.
 */
@Injectable()
@HandlesJob('reconciliation.run-batch')
export class RunBatchHandler implements JobHandler<'reconciliation.run-batch'> {
  constructor(
    private readonly reconciliation: ReconciliationService,
    private readonly runs: RunsRepository,
  ) {}

  handle(payload: JobPayloads['reconciliation.run-batch']) {
    return this.reconciliation.reconcile(
      {
        lotIds: payload.lotIds,
        organisationIds: payload.organisationIds,
        facilityPeriods: payload.facilityPeriods,
        manifestIds: payload.manifestIds,
      },
      {
        expand: payload.expand === true,
        run: payload.runId ? { runId: payload.runId, batchNo: payload.batchNo } : undefined,
      },
    );
  }

  async onFailedForGood(payload: JobPayloads['reconciliation.run-batch'], error: string): Promise<void> {
    if (payload.runId) await this.runs.fail(payload.runId, `batch ${payload.batchNo} failed: ${error}`);
  }
}
