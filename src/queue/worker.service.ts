import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { DiscoveryService, Reflector } from '@nestjs/core';
import { Worker, type Job } from 'bullmq';
import { AppConfig } from '../config/app-config';
import { RedisService } from '../redis/redis.service';
import { QUEUE_OF, QUEUE_OPTIONS, type JobName } from './job-contracts';
import {
  JOB_HANDLER_METADATA,
  JOB_SCHEDULES_METADATA,
  type JobHandler,
  type JobSchedule,
  type SchedulesJobs,
} from './job-handler';
import { JobQueue } from './job-queue';
import { outboxIdsOf, OutboxRepository } from './outbox.repository';

/** Schedules are registered again this often (a Redis that lost its keys gets them back). */
const SCHEDULE_REFRESH_MS = 60_000;

export interface FailedForGood {
  queue: string;
  jobId: string;
  jobName: string;
  payload: unknown;
  attempts: number;
  error: string;
}

/**
 * Runs one BullMQ worker per queue that has handlers in this process, dispatching each job to
 * its @HandlesJob provider. A job from the outbox is marked processed when its handler
 * succeeds; a job that fails for good is recorded in `job_failures`. Registers the schedules of
 * @ProvidesSchedules providers, and keeps them registered.
 */
@Injectable()
export class WorkerService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(WorkerService.name);
  private readonly handlers = new Map<JobName, JobHandler<JobName>>();
  private readonly workers: Worker[] = [];
  private schedules: JobSchedule[] = [];
  private scheduleTimer?: NodeJS.Timeout;

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly reflector: Reflector,
    private readonly config: AppConfig,
    private readonly redis: RedisService,
    private readonly outbox: OutboxRepository,
    private readonly queue: JobQueue,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    for (const wrapper of this.discovery.getProviders()) {
      const instance = wrapper.instance as (JobHandler<JobName> & Partial<SchedulesJobs>) | undefined;
      if (!instance || !wrapper.metatype) continue;
      const name = this.reflector.get<JobName | undefined>(JOB_HANDLER_METADATA, wrapper.metatype as object as never);
      if (name) this.handlers.set(name, instance);
      if (this.reflector.get<boolean | undefined>(JOB_SCHEDULES_METADATA, wrapper.metatype as object as never)) {
        this.schedules.push(...(instance.schedules?.() ?? []));
      }
    }
    const queues = new Set([...this.handlers.keys()].map((n) => QUEUE_OF[n]));
    for (const queue of queues) {
      const worker = new Worker(queue, (job: Job) => this.process(job), {
        connection: { url: this.config.REDIS_URL, ...this.redis.connectionOptions() },
        prefix: this.config.QUEUE_PREFIX,
        concurrency: QUEUE_OPTIONS[queue].concurrency,
        lockDuration: this.config.JOB_LOCK_MS,
        stalledInterval: this.config.JOB_LOCK_MS,
        maxStalledCount: QUEUE_OPTIONS[queue].maxStalledCount,
      });
      worker.on('failed', (job, err) => void this.onFailed(queue, job, err));
      worker.on('error', (err) => this.logger.warn(`worker ${queue}: ${err.message}`));
      this.workers.push(worker);
    }
    await this.registerSchedules();
    this.scheduleTimer = setInterval(() => void this.registerSchedules(), SCHEDULE_REFRESH_MS);
    this.scheduleTimer.unref();
    this.logger.log(`worker started: ${[...this.handlers.keys()].join(', ') || 'no handlers'}`);
  }

  private async registerSchedules(): Promise<void> {
    for (const s of this.schedules) {
      try {
        await this.queue.schedule(s.name, s.payload, s.everyMs);
      } catch (error) {
        this.logger.warn(`could not register schedule ${s.name}: ${(error as Error).message}`);
      }
    }
  }

  private async process(job: Job): Promise<unknown> {
    const handler = this.handlers.get(job.name as JobName);
    if (!handler) throw new Error(`no handler for job ${job.name}`);
    const result = await handler.handle(job.data, { jobId: job.id, attempt: job.attemptsMade + 1 });
    const outboxIds = outboxIdsOf(job.id, job.data);
    if (outboxIds.length > 0) await this.outbox.markProcessed(outboxIds);
    return result;
  }

  private async onFailed(queue: string, job: Job | undefined, err: Error): Promise<void> {
    if (!job) return;
    const attempts = job.opts.attempts ?? 1;
    // Fewer attempts than allowed: BullMQ retries it, or (a job that stalled too often) the outbox
    // dispatches it again, and records it when it keeps failing (OutboxRelayService).
    if (job.attemptsMade < attempts) return;
    this.logger.error(`job ${job.name} ${job.id} failed for good after ${job.attemptsMade} attempts: ${err.message}`);
    await this.failedForGood({
      queue,
      jobId: job.id ?? '',
      jobName: job.name,
      payload: job.data,
      attempts: job.attemptsMade,
      error: err.stack ?? err.message,
    });
  }

  /** Records a job that failed for good (job_failures, outbox row marked failed), then tells its handler. */
  async failedForGood(f: FailedForGood): Promise<void> {
    try {
      await this.outbox.recordFailure(f);
      const outboxIds = outboxIdsOf(f.jobId, f.payload);
      if (outboxIds.length > 0) await this.outbox.markFailed(outboxIds);
    } catch (e) {
      // The outbox row stays unprocessed, so the relay dispatches it again later.
      this.logger.error(`could not record failure of ${f.jobId}: ${(e as Error).message}`);
      return;
    }
    const handler = this.handlers.get(f.jobName as JobName);
    try {
      await handler?.onFailedForGood?.(f.payload as never, f.error.split('\n')[0]);
    } catch (e) {
      this.logger.error(`failure hook of ${f.jobName} ${f.jobId}: ${(e as Error).message}`);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.scheduleTimer);
    await Promise.allSettled(this.workers.map((w) => w.close()));
  }
}
