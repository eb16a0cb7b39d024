import { Module } from '@nestjs/common';
import { ApiKeysController } from '../api-keys/api-keys.controller';
import { ApiKeysRepository } from '../api-keys/api-keys.repository';
import { ApiKeysService } from '../api-keys/api-keys.service';
import { DeviceKeysRepository } from './device-keys.repository';
import { DeviceKeysService } from './device-keys.service';
import { MembersController } from './members.controller';
import { MembersRepository } from './members.repository';
import { MembersService } from './members.service';
import { OrganisationsModule } from '../organisations/organisations.module';

/** Members and their credentials (one module: a member's keys are managed with it). */
@Module({
  imports: [OrganisationsModule],
  controllers: [MembersController, ApiKeysController],
  providers: [
    MembersRepository,
    MembersService,
    ApiKeysRepository,
    ApiKeysService,
    DeviceKeysRepository,
    DeviceKeysService,
  ],
  exports: [MembersService, ApiKeysService, MembersRepository, DeviceKeysService],
})
export class MembersModule {}
