import { Injectable, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { AppConfig } from '../config/app-config';
import { ProvidesSchedules, type JobSchedule, type SchedulesJobs } from './job-handler';
import { OutboxRelayService } from './outbox-relay.service';
import { PurgeExpiredHandler } from './purge-expired.handler';
import { WorkerService } from './worker.service';

const HOUR = 3_600_000;

/** Every repeatable job, upserted when a worker starts (idempotent across processes and restarts). */
@Injectable()
@ProvidesSchedules()
class MaintenanceSchedule implements SchedulesJobs {
  constructor(private readonly config: AppConfig) {}
  schedules(): JobSchedule[] {
    return [
      {
        name: 'maintenance.purge-expired',
        payload: { idempotencyRetentionHours: 7 * 24, outboxRetentionHours: 7 * 24 },
        everyMs: HOUR,
      },
      { name: 'ledger.checkpoint', payload: {}, everyMs: this.config.CHECKPOINT_INTERVAL_MS },
    ];
  }
}

/**
 * Consuming side: BullMQ workers, the outbox relay and the schedules. Imported by the
 * worker entry point, and by the API in single-process mode. Feature modules that own job
 * handlers are imported next to it.
 */
@Module({
  imports: [DiscoveryModule],
  providers: [WorkerService, OutboxRelayService, PurgeExpiredHandler, MaintenanceSchedule],
  exports: [OutboxRelayService, WorkerService],
})
export class WorkerModule {}
