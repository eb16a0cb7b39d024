import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Matches } from 'class-validator';
import { PageMetaDto, PageQueryDto } from '../../common/pagination/cursor';
import { IsCalendarDate } from '../../common/http/field-decorators';
import { ReconciliationRunStatus, type ReconciliationRun } from '../entities/reconciliation-run.entity';

export class CreateRunDto {
  @ApiPropertyOptional({
    description:
      'Region-code prefix of the parties covered (1–6 digits). A regulator: defaults to its jurisdiction and must lie within it. The platform administrator: any; omitted, every region.',
    example: '3715',
  })
  @IsOptional()
  @IsString()
  @Matches(/^\d{1,6}$/, { message: 'regionPrefix must be 1 to 6 digits' })
  regionPrefix?: string;

  @ApiPropertyOptional({ description: 'First day covered (China calendar date, inclusive)', example: '2026-01-01' })
  @IsOptional()
  @IsCalendarDate()
  periodFrom?: string;

  @ApiPropertyOptional({ description: 'Last day covered (China calendar date, inclusive)', example: '2026-03-31' })
  @IsOptional()
  @IsCalendarDate()
  periodTo?: string;
}

export class RunAcceptedDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: ReconciliationRunStatus }) status!: ReconciliationRunStatus;
}

export class RunProgressDto {
  @ApiProperty({ description: 'Subjects reconciled so far' }) processed!: number;
  @ApiProperty({ description: 'Subjects selected (lots, organisations, facility months, manifests)' }) total!: number;
  @ApiProperty({ description: 'processed / total, 0 to 1 (1 when there is nothing to do)' }) ratio!: number;
  @ApiProperty() batchesDone!: number;
  @ApiProperty() batchesTotal!: number;
}

export class RunResponseDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: ReconciliationRunStatus }) status!: ReconciliationRunStatus;
  @ApiProperty() requestedBy!: string;
  @ApiProperty({ nullable: true, type: String, description: 'null: every region' }) regionPrefix!: string | null;
  @ApiProperty({ nullable: true, type: String }) periodFrom!: string | null;
  @ApiProperty({ nullable: true, type: String }) periodTo!: string | null;
  @ApiProperty({ type: RunProgressDto }) progress!: RunProgressDto;
  @ApiProperty({ description: 'Flags the run raised (new keys)' }) flagsRaised!: number;
  @ApiProperty({ description: 'Open flags the run resolved because their condition cleared' }) flagsResolved!: number;
  @ApiProperty() createdAt!: string;
  @ApiProperty({ nullable: true, type: String }) startedAt!: string | null;
  @ApiProperty({ nullable: true, type: String }) finishedAt!: string | null;
  @ApiProperty({ nullable: true, type: Number, description: 'From start to finish (or to now while running), ms' })
  durationMs!: number | null;
  @ApiProperty({ nullable: true, type: String }) error!: string | null;

  static from(r: ReconciliationRun, now = new Date()): RunResponseDto {
    const end = r.finishedAt ?? (r.startedAt ? now : null);
    return {
      id: r.id,
      status: r.status,
      requestedBy: r.requestedBy,
      regionPrefix: r.regionPrefix,
      periodFrom: r.periodFrom,
      periodTo: r.periodTo,
      progress: {
        processed: r.processed,
        total: r.total,
        ratio:
          r.total > 0 ? Math.min(1, r.processed / r.total) : r.status === ReconciliationRunStatus.COMPLETED ? 1 : 0,
        batchesDone: r.batchesDone,
        batchesTotal: r.batchesTotal,
      },
      flagsRaised: r.flagsRaised,
      flagsResolved: r.flagsResolved,
      createdAt: r.createdAt.toISOString(),
      startedAt: r.startedAt?.toISOString() ?? null,
      finishedAt: r.finishedAt?.toISOString() ?? null,
      durationMs: r.startedAt && end ? end.getTime() - r.startedAt.getTime() : null,
      error: r.error,
    };
  }
}

export class ListRunsQueryDto extends PageQueryDto {}

export class RunPageDto extends PageMetaDto {
  @ApiProperty({ type: [RunResponseDto] }) items!: RunResponseDto[];
}
