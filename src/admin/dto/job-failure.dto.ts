import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { PageMetaDto, PageQueryDto } from '../../common/pagination/cursor';
import type { JobFailure } from '../../queue/job-failure.entity';

export class ListJobFailuresQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'Only this job name', example: 'reconciliation.run-batch' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  @Matches(/^[a-z0-9.-]+$/, { message: 'jobName must be a job name such as reconciliation.run-batch' })
  jobName?: string;
}

export class JobFailureResponseDto {
  @ApiProperty({ description: 'Sequence number of the failure' }) id!: string;
  @ApiProperty({ example: '{reconciliation}' }) queue!: string;
  @ApiProperty({ example: 'outbox-1234' }) jobId!: string;
  @ApiProperty({ example: 'reconciliation.run-batch' }) jobName!: string;
  @ApiProperty({ type: Object, description: 'The job payload (ids, never entities)' }) payload!: unknown;
  @ApiProperty({ description: 'Attempts made (or dispatches, for a job that never completed)' }) attempts!: number;
  @ApiProperty({ description: 'The last error, with its stack' }) error!: string;
  @ApiProperty() failedAt!: string;

  static from(f: JobFailure): JobFailureResponseDto {
    return {
      id: f.id,
      queue: f.queue,
      jobId: f.jobId,
      jobName: f.jobName,
      payload: f.payload,
      attempts: f.attempts,
      error: f.error,
      failedAt: f.failedAt.toISOString(),
    };
  }
}

export class JobFailurePageDto extends PageMetaDto {
  @ApiProperty({ type: [JobFailureResponseDto] }) items!: JobFailureResponseDto[];
}
