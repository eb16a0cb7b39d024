import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { Queue, type Job } from 'bullmq';
import { AppConfig } from '../config/app-config';
import { RedisService } from '../redis/redis.service';
import { QUEUE_OF, QUEUE_OPTIONS, QueueName, type JobEnvelope, type JobName, type JobPayloads } from './job-contracts';

/**
 * The only way code reaches BullMQ queues. Feature services do not enqueue directly: they
 * write an outbox row in their transaction, and the relay calls this class.
 */
@Injectable()
export class JobQueue implements OnApplicationShutdown {
  private readonly queues = new Map<QueueName, Queue>();

  constructor(
    private readonly config: AppConfig,
    private readonly redis: RedisService,
  ) {}

  queue(name: QueueName): Queue {
    let queue = this.queues.get(name);
    if (!queue) {
      const options = QUEUE_OPTIONS[name];
      queue = new Queue(name, {
        connection: { url: this.config.REDIS_URL, ...this.redis.connectionOptions() },
        prefix: this.config.QUEUE_PREFIX,
        defaultJobOptions: {
          attempts: options.attempts,
          backoff: { type: 'exponential', delay: options.backoffMs },
          removeOnComplete: { count: options.keepCompleted },
          removeOnFail: { count: options.keepFailed },
        },
      });
      queue.on('error', () => undefined);
      this.queues.set(name, queue);
    }
    return queue;
  }

  async add<N extends JobName>(name: N, payload: JobPayloads[N], jobId?: string): Promise<void> {
    await this.queue(QUEUE_OF[name]).add(name, payload, jobId ? { jobId } : {});
  }

  /** Adds many jobs, one round trip per queue. */
  async addBulk(jobs: JobEnvelope[]): Promise<void> {
    const byQueue = new Map<QueueName, JobEnvelope[]>();
    for (const job of jobs) {
      const q = QUEUE_OF[job.name];
      byQueue.set(q, [...(byQueue.get(q) ?? []), job]);
    }
    await Promise.all(
      [...byQueue].map(([q, list]) =>
        this.queue(q).addBulk(
          list.map((j) => ({ name: j.name, data: j.payload, opts: j.jobId ? { jobId: j.jobId } : {} })),
        ),
      ),
    );
  }

  /** A job still known to Redis (waiting, active, delayed, completed or failed and kept), or undefined. */
  async getJob(name: JobName, jobId: string): Promise<Job | undefined> {
    return this.queue(QUEUE_OF[name]).getJob(jobId);
  }

  /**
   * Forgets a job id that is in no state list any more, so that it can be added again: BullMQ
   * ignores an add whose id still has a hash, and a Redis that lost part of its keys (or a job
   * failed on a hash already gone) can leave such a remnant. Not for a job waiting or running.
   */
  async discard(name: JobName, jobId: string): Promise<void> {
    const queue = this.queue(QUEUE_OF[name]);
    const job = await queue.getJob(jobId);
    if (!job) return;
    try {
      await job.remove();
    } catch {
      const client = await queue.getBackend().client;
      const key = queue.toKey(jobId);
      await client.del(key, `${key}:logs`, `${key}:lock`);
    }
  }

  /** Registers (or updates) a repeatable job; idempotent across restarts and processes. */
  async schedule<N extends JobName>(name: N, payload: JobPayloads[N], everyMs: number): Promise<void> {
    await this.queue(QUEUE_OF[name]).upsertJobScheduler(name, { every: everyMs }, { name, data: payload });
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.allSettled([...this.queues.values()].map((q) => q.close()));
  }
}
