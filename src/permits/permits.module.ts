import { Module } from '@nestjs/common';
import { CatalogueModule } from '../catalogue/catalogue.module';
import { CreditGradesModule } from '../credit-grades/credit-grades.module';
import { OrganisationsModule } from '../organisations/organisations.module';
import { PermitCheckService } from './permit-check.service';
import { PermitUsageRepository } from './permit-usage.repository';
import { PermitsController } from './permits.controller';
import { PermitsRepository } from './permits.repository';
import { PermitsService } from './permits.service';

@Module({
  imports: [OrganisationsModule, CatalogueModule, CreditGradesModule],
  controllers: [PermitsController],
  providers: [PermitsRepository, PermitUsageRepository, PermitCheckService, PermitsService],
  /** For manifests and receptions: the check, and recording what was received against a permit. */
  exports: [PermitCheckService, PermitUsageRepository],
})
export class PermitsModule {}
