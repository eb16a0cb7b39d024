import { Injectable } from '@nestjs/common';
import type { JobPayloads } from '../../queue/job-contracts';
import { HandlesJob, type JobHandler } from '../../queue/job-handler';
import { PlannerService } from '../planner.service';
import { RunsRepository } from '../runs.repository';

/** `reconciliation.run-plan`: selects a run's subjects and writes its batches (once). */
@Injectable()
@HandlesJob('reconciliation.run-plan')
export class RunPlanHandler implements JobHandler<'reconciliation.run-plan'> {
  constructor(
    private readonly planner: PlannerService,
    private readonly runs: RunsRepository,
  ) {}

  handle(payload: JobPayloads['reconciliation.run-plan']) {
    return this.planner.planRun(payload.runId);
  }

  async onFailedForGood(payload: JobPayloads['reconciliation.run-plan'], error: string): Promise<void> {
    await this.runs.fail(payload.runId, `planning failed: ${error}`);
  }
}
