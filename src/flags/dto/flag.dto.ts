import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsDateString,
  IsEnum,
  IsIn,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  MinLength,
} from 'class-validator';
import { PageMetaDto, PageQueryDto } from '../../common/pagination/cursor';
import { RULE_IDS, SEVERITIES } from '../../reconciliation/domain/rule-profile';
import { FlagStatus, type Flag } from '../entities/flag.entity';

export class ListFlagsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: RULE_IDS }) @IsOptional() @IsIn(RULE_IDS) rule?: string;
  @ApiPropertyOptional({ enum: SEVERITIES }) @IsOptional() @IsIn(SEVERITIES) severity?: string;
  @ApiPropertyOptional({ enum: FlagStatus }) @IsOptional() @IsEnum(FlagStatus) status?: FlagStatus;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() organisationId?: string;
  @ApiPropertyOptional({ description: 'Region-code prefix of an organisation involved', example: '3715' })
  @IsOptional()
  @Matches(/^\d{1,6}$/)
  region?: string;
  @ApiPropertyOptional({ enum: ['LOT', 'MANIFEST', 'ORGANISATION', 'FACILITY_PERIOD'] })
  @IsOptional()
  @IsIn(['LOT', 'MANIFEST', 'ORGANISATION', 'FACILITY_PERIOD'])
  subjectType?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(120) subjectId?: string;
  @ApiPropertyOptional({ description: 'Detected at or after (ISO 8601)' })
  @IsOptional()
  @IsDateString({ strict: true })
  from?: string;
  @ApiPropertyOptional({ description: 'Detected before (ISO 8601)' })
  @IsOptional()
  @IsDateString({ strict: true })
  to?: string;
}

export class FlagNoteDto {
  @ApiProperty({ description: 'Why (kept in the flag’s history)', maxLength: 2000 })
  @IsString()
  @MinLength(1)
  @MaxLength(2000)
  note!: string;
}

export class AcknowledgeFlagDto {
  @ApiPropertyOptional({ maxLength: 2000 })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  comment?: string;
}

export class FlagHistoryEntryDto {
  @ApiProperty() kind!: string;
  @ApiProperty() actor!: string;
  @ApiProperty({ nullable: true, type: String }) note!: string | null;
  @ApiProperty() at!: string;
}

export class FlagResponseDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: RULE_IDS }) ruleId!: string;
  @ApiProperty({ enum: SEVERITIES }) severity!: string;
  @ApiProperty({ enum: ['BLOCK', 'FLAG', 'REPORT'] }) action!: string;
  @ApiProperty({ enum: FlagStatus }) status!: FlagStatus;
  @ApiProperty({ description: 'Stable identity of the condition (rule, subject, qualifiers)' }) dedupeKey!: string;
  @ApiProperty() subject!: { type: string; id: string };
  @ApiProperty({ type: [String] }) organisationIds!: string[];
  @ApiProperty() message!: string;
  @ApiProperty({ description: 'Machine-readable proof: numbers, times, event ids', type: Object }) evidence!: unknown;
  @ApiProperty() profileId!: string;
  @ApiProperty() detectedAt!: string;
  @ApiProperty() lastSeenAt!: string;
  @ApiProperty({ nullable: true, type: String }) acknowledgedAt!: string | null;
  @ApiProperty({ nullable: true, type: String }) resolvedAt!: string | null;
  @ApiProperty({ nullable: true, type: String, enum: ['MANUAL', 'AUTO'] }) resolution!: string | null;
  @ApiPropertyOptional({ type: [FlagHistoryEntryDto] }) history?: FlagHistoryEntryDto[];

  static from(f: Flag): FlagResponseDto {
    return {
      id: f.id,
      ruleId: f.ruleId,
      severity: f.severity,
      action: f.action,
      status: f.status,
      dedupeKey: f.dedupeKey,
      subject: { type: f.subjectType, id: f.subjectId },
      organisationIds: f.organisationIds,
      message: f.message,
      evidence: f.evidence,
      profileId: f.profileId,
      detectedAt: f.detectedAt.toISOString(),
      lastSeenAt: f.lastSeenAt.toISOString(),
      acknowledgedAt: f.acknowledgedAt?.toISOString() ?? null,
      resolvedAt: f.resolvedAt?.toISOString() ?? null,
      resolution: f.resolution,
    };
  }
}

export class FlagPageDto extends PageMetaDto {
  @ApiProperty({ type: [FlagResponseDto] }) items!: FlagResponseDto[];
}
