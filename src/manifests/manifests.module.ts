import { Module } from '@nestjs/common';
import { CatalogueModule } from '../catalogue/catalogue.module';
import { LedgerModule } from '../ledger/ledger.module';
import { MembersModule } from '../members/members.module';
import { OrganisationsModule } from '../organisations/organisations.module';
import { PermitsModule } from '../permits/permits.module';
import { MANIFEST_FACTS_SOURCE } from '../reconciliation/facts/manifest-facts.source';
import { ManifestFactsLoader } from './manifest-facts.loader';
import { ManifestStepsService } from './manifest-steps.service';
import { ManifestsController } from './manifests.controller';
import { ManifestsRepository } from './manifests.repository';
import { ManifestsService } from './manifests.service';

@Module({
  imports: [OrganisationsModule, LedgerModule, PermitsModule, CatalogueModule, MembersModule],
  controllers: [ManifestsController],
  providers: [
    ManifestsRepository,
    ManifestsService,
    ManifestStepsService,
    ManifestFactsLoader,
    // Reconciliation finds the manifest facts through this token.
    { provide: MANIFEST_FACTS_SOURCE, useExisting: ManifestFactsLoader },
  ],
  exports: [ManifestsRepository],
})
export class ManifestsModule {}
