import { Injectable, Module, type OnApplicationBootstrap } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { AppConfig } from '../config/app-config';
import { JobQueue } from './job-queue';
import { OutboxRelayService } from './outbox-relay.service';
import { PurgeExpiredHandler } from './purge-expired.handler';
import { WorkerService } from './worker.service';

const HOUR = 3_600_000;

/** Every repeatable job, upserted when a worker starts (idempotent across processes and restarts). */
@Injectable()
class Schedules implements OnApplicationBootstrap {
  constructor(
    private readonly queue: JobQueue,
    private readonly config: AppConfig,
  ) {}
  async onApplicationBootstrap(): Promise<void> {
    await this.queue.schedule(
      'maintenance.purge-expired',
      { idempotencyRetentionHours: 7 * 24, outboxRetentionHours: 7 * 24 },
      HOUR,
    );
    await this.queue.schedule('ledger.checkpoint', {}, this.config.CHECKPOINT_INTERVAL_MS);
  }
}

/**
 * Consuming side: BullMQ workers, the outbox relay and the schedules. Imported by the
 * worker entry point, and by the API in single-process mode. Feature modules that own job
 * handlers are imported next to it.
 */
@Module({
  imports: [DiscoveryModule],
  providers: [WorkerService, OutboxRelayService, PurgeExpiredHandler, Schedules],
  exports: [OutboxRelayService],
})
export class WorkerModule {}
