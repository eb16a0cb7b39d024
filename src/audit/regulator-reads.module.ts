import { Module } from '@nestjs/common';
import { RegulatorReadsController } from './regulator-reads.controller';
import { RegulatorReadsService } from './regulator-reads.service';

/**
 * The platform administrator's view of regulators' reads (the rows @AuditRegulatorRead writes;
 * the mechanism itself is global: src/common/regulator-reads).
 */
@Module({ controllers: [RegulatorReadsController], providers: [RegulatorReadsService] })
export class RegulatorReadsAuditModule {}
