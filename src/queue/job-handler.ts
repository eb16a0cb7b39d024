import { SetMetadata } from '@nestjs/common';
import type { JobName, JobPayloads } from './job-contracts';

export const JOB_HANDLER_METADATA = 'custody-ledger:job-handler';
export const JOB_SCHEDULES_METADATA = 'custody-ledger:job-schedules';

/** A job's work. Must be idempotent (it may run twice) and must throw to be retried. */
export interface JobHandler<N extends JobName> {
  handle(payload: JobPayloads[N], context: { jobId: string | undefined; attempt: number }): Promise<unknown>;
  /**
   * Called once when the job has failed for good (attempts exhausted, or dispatched too often
   * without completing), after it is recorded in `job_failures`: e.g. to mark what it was part of
   * as failed. Must not throw.
   */
  onFailedForGood?(payload: JobPayloads[N], error: string): Promise<void>;
}

/** Marks a provider as the handler of one job name; the worker finds it by discovery. */
export const HandlesJob = (name: JobName) => SetMetadata(JOB_HANDLER_METADATA, name);

export interface JobSchedule<N extends JobName = JobName> {
  name: N;
  payload: JobPayloads[N];
  everyMs: number;
}

/** A provider that declares repeatable jobs. */
export interface SchedulesJobs {
  schedules(): JobSchedule[];
}

/**
 * Marks a provider implementing SchedulesJobs: worker processes register its schedules (BullMQ
 * job schedulers) at start and register them again every minute, so that a Redis that lost its
 * data gets them back without a restart.
 */
export const ProvidesSchedules = () => SetMetadata(JOB_SCHEDULES_METADATA, true);
