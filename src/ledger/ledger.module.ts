import { Module } from '@nestjs/common';
import { LedgerPartitions } from './ledger-partitions';
import { LedgerReader } from './ledger-reader';
import { LedgerWriter } from './ledger-writer';
import { LedgerRepository } from './ledger.repository';

/** The append-only custody ledger: hashing, the append engine, chain reads and verification. */
@Module({
  providers: [LedgerRepository, LedgerWriter, LedgerReader, LedgerPartitions],
  exports: [LedgerWriter, LedgerReader],
})
export class LedgerModule {}
