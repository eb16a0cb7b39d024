import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { QUEUE_OF, type JobName } from './job-contracts';
import { JobQueue } from './job-queue';
import { outboxJobId, OutboxRepository } from './outbox.repository';

const BATCH = 1000;

/**
 * Moves outbox rows to BullMQ in bulk. Polls every OUTBOX_POLL_MS, and at once again while
 * batches come back full. Survives PostgreSQL and Redis restarts: a failed round is retried
 * on the next tick, and rows claimed but not delivered are released.
 */
@Injectable()
export class OutboxRelayService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(OutboxRelayService.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopped = false;

  constructor(
    private readonly config: AppConfig,
    private readonly outbox: OutboxRepository,
    private readonly queue: JobQueue,
  ) {}

  onApplicationBootstrap(): void {
    this.schedule(0);
  }

  /** One relay round; returns how many rows were moved. Public for tests and benchmarks. */
  async relayOnce(): Promise<number> {
    const claimed = await this.outbox.claim(BATCH, this.config.OUTBOX_REDISPATCH_MS);
    if (claimed.length === 0) return 0;
    // A job name this code does not know (written by a newer or older release) is parked, not retried for ever.
    const unknown = claimed.filter((m) => !(m.jobName in QUEUE_OF));
    for (const m of unknown) {
      await this.outbox.recordFailure({
        queue: '-',
        jobId: outboxJobId(m.id),
        jobName: m.jobName,
        payload: m.payload,
        attempts: 0,
        error: `unknown job name ${m.jobName}`,
      });
      await this.outbox.markFailed(m.id);
    }
    const known = claimed.filter((m) => m.jobName in QUEUE_OF);
    try {
      await this.queue.addBulk(
        known.map((m) => ({ name: m.jobName as JobName, payload: m.payload as never, jobId: outboxJobId(m.id) })),
      );
    } catch (error) {
      await this.outbox.unclaim(known.map((m) => m.id)).catch(() => undefined);
      throw error;
    }
    return claimed.length;
  }

  private schedule(delay: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.tick();
    }, delay);
  }

  private async tick(): Promise<void> {
    let moved = 0;
    try {
      moved = await this.relayOnce();
    } catch (error) {
      this.logger.warn(`outbox relay: ${(error as Error).message}`);
    }
    this.schedule(moved === BATCH ? 0 : this.config.OUTBOX_POLL_MS);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }
}
