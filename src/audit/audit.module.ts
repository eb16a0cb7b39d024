import { Module } from '@nestjs/common';
import { CreditGradesModule } from '../credit-grades/credit-grades.module';
import { LedgerModule } from '../ledger/ledger.module';
import { OrganisationsModule } from '../organisations/organisations.module';
import { AuditController } from './audit.controller';
import { AuditRepository } from './audit.repository';
import { ChainAuditService } from './chain-audit.service';
import { KeyUnitsController } from './key-units.controller';
import { KeyUnitsRepository } from './key-units.repository';
import { KeyUnitsService } from './key-units.service';
import { OrganisationReportService } from './organisation-report.service';
import { TierService } from './tier.service';

/** Regulator audit: chain audits of lots and manifests, organisation reports, the key supervised units list. */
@Module({
  imports: [LedgerModule, OrganisationsModule, CreditGradesModule],
  controllers: [AuditController, KeyUnitsController],
  providers: [
    AuditRepository,
    ChainAuditService,
    OrganisationReportService,
    TierService,
    KeyUnitsRepository,
    KeyUnitsService,
  ],
  exports: [TierService],
})
export class AuditModule {}
