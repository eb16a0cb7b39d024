import { Module } from '@nestjs/common';
import { AdminController } from './admin.controller';
import { JobFailuresRepository } from './job-failures.repository';
import { JobFailuresService } from './job-failures.service';

/** The platform administrator's view of how the platform runs (job failures). */
@Module({ controllers: [AdminController], providers: [JobFailuresRepository, JobFailuresService] })
export class AdminModule {}
