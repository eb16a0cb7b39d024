import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, IsUUID, Matches } from 'class-validator';
import { OperationMode } from '../../catalogue/domain/operation';
import { IsCalendarDate } from '../../common/http/field-decorators';
import { MASS_UNITS, type MassUnit } from '../../common/quantity/decimal-quantity';
import { CreditGrade } from '../../credit-grades/domain/credit-grade';
import { PermitRule } from '../domain/permit-check';

export class PermitCheckQueryDto {
  @ApiProperty({ format: 'uuid', description: 'The organisation that would receive, store, treat or carry the waste' })
  @IsUUID()
  organisationId!: string;

  @ApiProperty({ example: '900-214-08' })
  @Matches(/^\d{3}-\d{3}-\d{2}$/, { message: 'wasteCode must be NNN-NNN-NN' })
  wasteCode!: string;

  @ApiProperty({
    example: 'DISPOSAL',
    description:
      'An operation mode (COLLECTION, STORAGE, UTILISATION, DISPOSAL, TRANSPORT) or a Chinese method code (CN_HW_METHOD, e.g. D10, R9), which stands for its mode',
  })
  @IsString()
  @Matches(/^[A-Z0-9_]{1,20}$/, { message: 'operation must be an operation mode or method code' })
  operation!: string;

  @ApiPropertyOptional({ example: '2026-06-01', description: 'Date of the operation (China time). Default: today.' })
  @IsOptional()
  @IsCalendarDate()
  date?: string;

  @ApiPropertyOptional({ example: '1.5', description: 'Quantity in `unit` (exact decimal). Default: 0.' })
  @IsOptional()
  @IsString()
  @Matches(/^\d{1,15}(\.\d{1,6})?$/, { message: 'quantity must be a non-negative decimal number' })
  quantity?: string;

  @ApiPropertyOptional({ enum: MASS_UNITS, default: 'kg' })
  @IsOptional()
  @IsIn(MASS_UNITS)
  unit?: MassUnit;
}

export class PermitFindingDto {
  @ApiProperty({ enum: PermitRule }) rule!: PermitRule;
  @ApiProperty({ nullable: true, type: String, format: 'uuid' }) permitId!: string | null;
  @ApiProperty({ nullable: true, type: String }) permitNumber!: string | null;
  @ApiProperty() message!: string;
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: 'Evidence (quantities in grams as integer text); shown to the holder, its regulators and the admin',
  })
  details?: Record<string, string | number | boolean | null>;
}

export class PermitCheckResponseDto {
  @ApiProperty() allowed!: boolean;
  @ApiProperty({ format: 'uuid' }) organisationId!: string;
  @ApiProperty() wasteCode!: string;
  @ApiProperty({ enum: OperationMode }) operation!: OperationMode;
  @ApiProperty() date!: string;
  @ApiProperty({ description: 'Grams (integer text)' }) quantityGrams!: string;
  @ApiProperty({ nullable: true, type: String, format: 'uuid', description: 'The permit it is allowed under' })
  permitId!: string | null;
  @ApiProperty({ nullable: true, type: String }) permitNumber!: string | null;
  @ApiProperty({ enum: CreditGrade, nullable: true, description: 'Credit grade in force on the date' })
  creditGrade!: CreditGrade | null;
  @ApiProperty({ type: [PermitFindingDto], description: 'Why not (empty when allowed)' })
  refusals!: PermitFindingDto[];
  @ApiProperty({ type: [PermitFindingDto], description: 'Allowed, but noteworthy (capacity ≥ 100%, blacklist)' })
  warnings!: PermitFindingDto[];
}
