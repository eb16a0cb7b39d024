import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { DiscoveryService, Reflector } from '@nestjs/core';
import { Worker, type Job } from 'bullmq';
import { AppConfig } from '../config/app-config';
import { RedisService } from '../redis/redis.service';
import { QUEUE_OF, QUEUE_OPTIONS, type JobName } from './job-contracts';
import { JOB_HANDLER_METADATA, type JobHandler } from './job-handler';
import { outboxIdOf, OutboxRepository } from './outbox.repository';

/**
 * Runs one BullMQ worker per queue that has handlers in this process, dispatching each job to
 * its @HandlesJob provider. A job from the outbox is marked processed when its handler
 * succeeds; a job that fails for good is recorded in `job_failures`.
 */
@Injectable()
export class WorkerService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(WorkerService.name);
  private readonly handlers = new Map<JobName, JobHandler<JobName>>();
  private readonly workers: Worker[] = [];

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly reflector: Reflector,
    private readonly config: AppConfig,
    private readonly redis: RedisService,
    private readonly outbox: OutboxRepository,
  ) {}

  onApplicationBootstrap(): void {
    for (const wrapper of this.discovery.getProviders()) {
      const instance = wrapper.instance as JobHandler<JobName> | undefined;
      if (!instance || !wrapper.metatype) continue;
      const name = this.reflector.get<JobName | undefined>(JOB_HANDLER_METADATA, wrapper.metatype as object as never);
      if (name) this.handlers.set(name, instance);
    }
    const queues = new Set([...this.handlers.keys()].map((n) => QUEUE_OF[n]));
    for (const queue of queues) {
      const worker = new Worker(queue, (job: Job) => this.process(job), {
        connection: { url: this.config.REDIS_URL, ...this.redis.connectionOptions() },
        prefix: this.config.QUEUE_PREFIX,
        concurrency: QUEUE_OPTIONS[queue].concurrency,
      });
      worker.on('failed', (job, err) => void this.onFailed(queue, job, err));
      worker.on('error', (err) => this.logger.warn(`worker ${queue}: ${err.message}`));
      this.workers.push(worker);
    }
    this.logger.log(`worker started: ${[...this.handlers.keys()].join(', ') || 'no handlers'}`);
  }

  private async process(job: Job): Promise<unknown> {
    const handler = this.handlers.get(job.name as JobName);
    if (!handler) throw new Error(`no handler for job ${job.name}`);
    const result = await handler.handle(job.data, { jobId: job.id, attempt: job.attemptsMade + 1 });
    const outboxId = outboxIdOf(job.id);
    if (outboxId) await this.outbox.markProcessed(outboxId);
    return result;
  }

  private async onFailed(queue: string, job: Job | undefined, err: Error): Promise<void> {
    if (!job) return;
    const attempts = job.opts.attempts ?? 1;
    if (job.attemptsMade < attempts) return;
    this.logger.error(`job ${job.name} ${job.id} failed for good after ${job.attemptsMade} attempts: ${err.message}`);
    try {
      await this.outbox.recordFailure({
        queue,
        jobId: job.id ?? '',
        jobName: job.name,
        payload: job.data,
        attempts: job.attemptsMade,
        error: err.stack ?? err.message,
      });
      const outboxId = outboxIdOf(job.id);
      if (outboxId) await this.outbox.markFailed(outboxId);
    } catch (e) {
      // The outbox row stays unprocessed, so the relay dispatches it again later.
      this.logger.error(`could not record failure of ${job.id}: ${(e as Error).message}`);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.allSettled(this.workers.map((w) => w.close()));
  }
}
