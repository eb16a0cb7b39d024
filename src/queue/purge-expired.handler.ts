import { Injectable, Logger } from '@nestjs/common';
import { IdempotencyRepository } from '../common/idempotency/idempotency.repository';
import type { JobPayloads } from './job-contracts';
import { HandlesJob, type JobHandler } from './job-handler';
import { OutboxRepository } from './outbox.repository';

@Injectable()
@HandlesJob('maintenance.purge-expired')
export class PurgeExpiredHandler implements JobHandler<'maintenance.purge-expired'> {
  private readonly logger = new Logger(PurgeExpiredHandler.name);

  constructor(
    private readonly idempotency: IdempotencyRepository,
    private readonly outbox: OutboxRepository,
  ) {}

  async handle(payload: JobPayloads['maintenance.purge-expired']) {
    const keys = await this.idempotency.purgeOlderThan(payload.idempotencyRetentionHours);
    const outbox = await this.outbox.purgeProcessed(payload.outboxRetentionHours);
    this.logger.log(`purged ${keys} idempotency keys and ${outbox} processed outbox rows`);
    return { keys, outbox };
  }
}
