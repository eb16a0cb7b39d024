import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { LedgerRepository } from './ledger.repository';

/** Months of custody_events partitions kept ready ahead of the current month. */
export const PARTITION_MONTHS_AHEAD = 24;

/**
 * Creates the coming months' event partitions at start-up (the migration created the first
 * two years; the default partition catches anything beyond). Never blocks start-up for long:
 * the DDL waits at most 2 s for its lock, and a failure is only logged.
 */
@Injectable()
export class LedgerPartitions implements OnApplicationBootstrap {
  private readonly logger = new Logger(LedgerPartitions.name);

  constructor(private readonly repository: LedgerRepository) {}

  async onApplicationBootstrap(): Promise<void> {
    try {
      const created = await this.repository.ensurePartitions(PARTITION_MONTHS_AHEAD);
      if (created > 0) this.logger.log(`created ${created} custody_events partition(s)`);
    } catch (error) {
      this.logger.warn(`could not create custody_events partitions: ${(error as Error).message}`);
    }
  }
}
