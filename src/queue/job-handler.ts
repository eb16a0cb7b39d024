import { SetMetadata } from '@nestjs/common';
import type { JobName, JobPayloads } from './job-contracts';

export const JOB_HANDLER_METADATA = 'custody-ledger:job-handler';

/** A job's work. Must be idempotent (it may run twice) and must throw to be retried. */
export interface JobHandler<N extends JobName> {
  handle(payload: JobPayloads[N], context: { jobId: string | undefined; attempt: number }): Promise<unknown>;
}

/** Marks a provider as the handler of one job name; the worker finds it by discovery. */
export const HandlesJob = (name: JobName) => SetMetadata(JOB_HANDLER_METADATA, name);
