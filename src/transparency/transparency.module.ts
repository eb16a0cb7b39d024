import { Module } from '@nestjs/common';
import { LedgerModule } from '../ledger/ledger.module';
import { CheckpointHandler } from './checkpoint.handler';
import { CheckpointService } from './checkpoint.service';
import { LedgerAuditService } from './ledger-audit.service';
import { LedgerLogRepository } from './ledger-log.repository';
import { LedgerProofService } from './ledger-proof.service';
import { LedgerSigningKey } from './ledger-signing-key';
import { LedgerController } from './ledger.controller';

/**
 * The tamper-evident global log wired to the database: the checkpoint job (single writer),
 * signed checkpoints, public keys, inclusion and consistency proofs, and the tamper audit of a
 * lot (`LedgerAuditService`, for the audit endpoints).
 */
@Module({
  imports: [LedgerModule],
  controllers: [LedgerController],
  providers: [
    LedgerLogRepository,
    LedgerSigningKey,
    CheckpointService,
    CheckpointHandler,
    LedgerProofService,
    LedgerAuditService,
  ],
  exports: [LedgerAuditService, LedgerProofService],
})
export class TransparencyModule {}
