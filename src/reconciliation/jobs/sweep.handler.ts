import { Injectable } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import {
  HandlesJob,
  ProvidesSchedules,
  type JobHandler,
  type JobSchedule,
  type SchedulesJobs,
} from '../../queue/job-handler';
import { PlannerService } from '../planner.service';

/**
 * `reconciliation.sweep`, a BullMQ job scheduler every RECONCILIATION_SWEEP_MS: catches what only
 * time changes (a storage limit passed, a handover left unconfirmed, an institution not collected).
 */
@Injectable()
@HandlesJob('reconciliation.sweep')
@ProvidesSchedules()
export class SweepHandler implements JobHandler<'reconciliation.sweep'>, SchedulesJobs {
  constructor(
    private readonly planner: PlannerService,
    private readonly config: AppConfig,
  ) {}

  schedules(): JobSchedule[] {
    return [{ name: 'reconciliation.sweep', payload: {}, everyMs: this.config.RECONCILIATION_SWEEP_MS }];
  }

  handle() {
    return this.planner.sweep();
  }
}
