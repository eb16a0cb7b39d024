import { Module } from '@nestjs/common';
import { OrganisationsModule } from '../organisations/organisations.module';
import { RegistryController } from './registry.controller';
import { RegistryRepository } from './registry.repository';
import { RegistryService } from './registry.service';

/** Registers (台账) streamed as CSV or NDJSON from a server-side cursor. */
@Module({
  imports: [OrganisationsModule],
  controllers: [RegistryController],
  providers: [RegistryRepository, RegistryService],
})
export class RegistryModule {}
