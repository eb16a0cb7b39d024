import { Module } from '@nestjs/common';
import { CatalogueModule } from '../catalogue/catalogue.module';
import { LedgerModule } from '../ledger/ledger.module';
import { MembersModule } from '../members/members.module';
import { OrganisationsModule } from '../organisations/organisations.module';
import { PermitsModule } from '../permits/permits.module';
import { ManifestStepsService } from './manifest-steps.service';
import { ManifestsController } from './manifests.controller';
import { ManifestsRepository } from './manifests.repository';
import { ManifestsService } from './manifests.service';

@Module({
  imports: [OrganisationsModule, LedgerModule, PermitsModule, CatalogueModule, MembersModule],
  controllers: [ManifestsController],
  providers: [ManifestsRepository, ManifestsService, ManifestStepsService],
  exports: [ManifestsRepository],
})
export class ManifestsModule {}
