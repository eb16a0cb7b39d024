import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsEnum,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
} from 'class-validator';
import { OperationMode } from '../../catalogue/domain/operation';
import { IsCalendarDate, IsMassQuantity, IsPlainText } from '../../common/http/field-decorators';
import { PageMetaDto, PageQueryDto } from '../../common/pagination/cursor';
import { formatMass } from '../../common/quantity/decimal-quantity';
import { effectiveState, PermitAction, PermitLifecycle, PermitState, PermitStatus } from '../domain/permit-lifecycle';
import { PermitKind } from '../domain/permit-rules';
import type { Permit } from '../entities/permit.entity';
import type { PermitStatusChange } from '../entities/permit-status-change.entity';

export class CreatePermitDto {
  @ApiProperty({ format: 'uuid', description: 'The holder' })
  @IsUUID()
  organisationId!: string;

  @ApiProperty({ enum: PermitKind })
  @IsEnum(PermitKind)
  kind!: PermitKind;

  @ApiProperty({ example: '鲁危证15号', maxLength: 100, description: 'Licence number as printed' })
  @IsString()
  @MaxLength(100)
  @IsPlainText()
  number!: string;

  @ApiPropertyOptional({
    enum: OperationMode,
    isArray: true,
    description:
      'Operation modes (经营方式). Transport permits: TRANSPORT (the default for them). Collection licences: COLLECTION, STORAGE. Medical-waste disposal: COLLECTION, STORAGE, DISPOSAL.',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(5)
  @ArrayUnique()
  @IsEnum(OperationMode, { each: true })
  operationModes?: OperationMode[];

  @ApiPropertyOptional({ type: [String], example: ['900-214-08'], description: 'Waste codes in scope (NNN-NNN-NN)' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(1000)
  @ArrayUnique()
  @IsString({ each: true })
  @Matches(/^\d{3}-\d{3}-\d{2}$/, { each: true, message: 'each of wasteCodes must be NNN-NNN-NN' })
  wasteCodes?: string[];

  @ApiPropertyOptional({ type: [String], example: ['HW08'], description: 'Whole categories in scope (HWnn)' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(60)
  @ArrayUnique()
  @IsString({ each: true })
  @Matches(/^HW\d{2}$/, { each: true, message: 'each of wasteCategories must be HW followed by two digits' })
  wasteCategories?: string[];

  @ApiPropertyOptional({
    oneOf: [
      { type: 'string', pattern: '^\\d{1,12}(\\.\\d{1,6})?$' },
      { type: 'number', minimum: 0 },
    ],
    example: '5000',
    description:
      '年经营规模 in tonnes per year, at most 6 decimals (whole grams); stored exactly. Required for HW operating licences.',
  })
  @IsOptional()
  @IsMassQuantity('t')
  annualCapacityTonnes?: string | number;

  @ApiPropertyOptional({ maxLength: 500, description: 'Required for comprehensive and medical-waste licences' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  @IsPlainText()
  facilityAddress?: string;

  @ApiProperty({ example: '2026-01-01', description: 'First valid day (inclusive)' })
  @IsCalendarDate()
  validFrom!: string;

  @ApiProperty({ example: '2030-12-31', description: 'Last valid day (inclusive)' })
  @IsCalendarDate()
  validTo!: string;

  @ApiProperty({ example: '山东省生态环境厅', maxLength: 200 })
  @IsString()
  @MaxLength(200)
  @IsPlainText()
  issuer!: string;

  @ApiPropertyOptional({
    description: 'Transport permits: vehicles are dedicated medical-waste vehicles (required to carry HW01)',
  })
  @IsOptional()
  @IsBoolean()
  dedicatedMedicalWaste?: boolean;

  @ApiPropertyOptional({
    description: 'Collection licences: a small-enterprise collection pilot licence (scope beyond Art 3)',
  })
  @IsOptional()
  @IsBoolean()
  collectionPilot?: boolean;
}

export class PermitTransitionDto {
  @ApiProperty({ maxLength: 2000, example: '现场检查发现超范围经营，依法暂扣许可证' })
  @IsString()
  @MaxLength(2000)
  @IsPlainText()
  reason!: string;
}

export class ListPermitsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  organisationId?: string;

  @ApiPropertyOptional({ enum: PermitKind })
  @IsOptional()
  @IsEnum(PermitKind)
  kind?: PermitKind;

  @ApiPropertyOptional({ enum: PermitState, description: 'State today (EXPIRED is derived from valid_to)' })
  @IsOptional()
  @IsEnum(PermitState)
  status?: PermitState;
}

export class PermitStatusChangeDto {
  @ApiProperty({ enum: PermitAction }) action!: PermitAction;
  @ApiProperty({ enum: PermitState, nullable: true }) fromState!: PermitState | null;
  @ApiProperty({ enum: PermitState }) toState!: PermitState;
  @ApiProperty() reason!: string;
  @ApiProperty() actor!: string;
  @ApiProperty() occurredAt!: string;

  static from(c: PermitStatusChange): PermitStatusChangeDto {
    return {
      action: c.action,
      fromState: c.fromState,
      toState: c.toState,
      reason: c.reason,
      actor: c.actor,
      occurredAt: c.occurredAt.toISOString(),
    };
  }
}

export class PermitResponseDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) organisationId!: string;
  @ApiProperty({ enum: PermitKind }) kind!: PermitKind;
  @ApiProperty() number!: string;
  @ApiProperty({ enum: OperationMode, isArray: true }) operationModes!: OperationMode[];
  @ApiProperty({ type: [String] }) wasteCodes!: string[];
  @ApiProperty({ type: [String] }) wasteCategories!: string[];
  @ApiProperty({ nullable: true, type: String, example: '5000', description: 'Exact decimal tonnes per year' })
  annualCapacityTonnes!: string | null;
  @ApiProperty({ nullable: true, type: String, example: '5000000000', description: 'Grams per year (integer text)' })
  annualCapacityGrams!: string | null;
  @ApiProperty({ nullable: true, type: String }) facilityAddress!: string | null;
  @ApiProperty() validFrom!: string;
  @ApiProperty() validTo!: string;
  @ApiProperty() issuer!: string;
  @ApiProperty() dedicatedMedicalWaste!: boolean;
  @ApiProperty() collectionPilot!: boolean;
  @ApiProperty({ enum: PermitState, description: 'State today (China time); EXPIRED once valid_to has passed' })
  status!: PermitState;
  @ApiProperty({ enum: PermitStatus, description: 'The stored lifecycle status' }) recordedStatus!: PermitStatus;
  @ApiProperty({ enum: PermitAction, isArray: true, description: 'Transitions possible now' })
  allowedActions!: PermitAction[];
  @ApiProperty() statusChangedAt!: string;
  @ApiProperty() createdAt!: string;
  @ApiProperty() createdBy!: string;

  static from(p: Permit, today: string): PermitResponseDto {
    const state = effectiveState(p.status, p.validTo, today);
    const grams = p.annualCapacityGrams === null ? null : BigInt(p.annualCapacityGrams);
    return {
      id: p.id,
      organisationId: p.organisationId,
      kind: p.kind,
      number: p.number,
      operationModes: p.operationModes,
      wasteCodes: p.wasteCodes,
      wasteCategories: p.wasteCategories,
      annualCapacityTonnes: grams === null ? null : formatMass(grams, 't'),
      annualCapacityGrams: grams === null ? null : grams.toString(),
      facilityAddress: p.facilityAddress,
      validFrom: p.validFrom,
      validTo: p.validTo,
      issuer: p.issuer,
      dedicatedMedicalWaste: p.dedicatedMedicalWaste,
      collectionPilot: p.collectionPilot,
      status: state,
      recordedStatus: p.status,
      allowedActions: PermitLifecycle.allowedActions(state),
      statusChangedAt: p.statusChangedAt.toISOString(),
      createdAt: p.createdAt.toISOString(),
      createdBy: p.createdBy,
    };
  }
}

export class PermitDetailDto extends PermitResponseDto {
  @ApiProperty({ type: [PermitStatusChangeDto], description: 'Every lifecycle change, oldest first' })
  history!: PermitStatusChangeDto[];
}

export class PermitPageDto extends PageMetaDto {
  @ApiProperty({ type: [PermitResponseDto] }) items!: PermitResponseDto[];
}
