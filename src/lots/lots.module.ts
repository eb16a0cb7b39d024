import { Module } from '@nestjs/common';
import { CatalogueModule } from '../catalogue/catalogue.module';
import { LedgerModule } from '../ledger/ledger.module';
import { LotsController } from './lots.controller';
import { LotsRepository } from './lots.repository';
import { LotsService } from './lots.service';

/** Lots: registration, custody events, split and merge, corrections, chain verification. */
@Module({
  imports: [CatalogueModule, LedgerModule],
  controllers: [LotsController],
  providers: [LotsRepository, LotsService],
  exports: [LedgerModule],
})
export class LotsModule {}
