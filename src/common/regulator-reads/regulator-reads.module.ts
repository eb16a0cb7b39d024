import { Global, Module } from '@nestjs/common';
import { RegulatorReadInterceptor } from './regulator-read.interceptor';
import { RegulatorReadsRepository } from './regulator-reads.repository';

/** `@AuditRegulatorRead(...)` for any controller, and the repository behind it. */
@Global()
@Module({
  providers: [RegulatorReadsRepository, RegulatorReadInterceptor],
  exports: [RegulatorReadsRepository, RegulatorReadInterceptor],
})
export class RegulatorReadsModule {}
