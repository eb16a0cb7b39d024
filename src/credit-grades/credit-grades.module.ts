import { Module } from '@nestjs/common';
import { OrganisationsModule } from '../organisations/organisations.module';
import { CreditGradesController } from './credit-grades.controller';
import { CreditGradesRepository } from './credit-grades.repository';
import { CreditGradesService } from './credit-grades.service';

@Module({
  imports: [OrganisationsModule],
  controllers: [CreditGradesController],
  providers: [CreditGradesRepository, CreditGradesService],
  exports: [CreditGradesService, CreditGradesRepository],
})
export class CreditGradesModule {}
