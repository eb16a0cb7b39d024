import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsEnum, IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { QuantityMethod } from '../../ledger/domain/ledger-types';
import { PackagingType, PhysicalForm } from '../domain/lot-attributes';
import { IsLedgerText, IsTimestamp, QuantityDto, QuantityProperty } from './validators';

export const MAX_CONTAINERS = 100_000;

/** Registers a lot: its GENERATED event (HJ 1259-2022 §6.3 generation record, HJ 1276 label fields). */
export class CreateLotDto {
  @ApiProperty({ description: 'Waste code NNN-NNN-NN, valid in the catalogue edition in force', example: '900-041-49' })
  @IsString()
  @Matches(/^\d{3}-\d{3}-\d{2}$/, { message: 'wasteCode must be NNN-NNN-NN' })
  wasteCode!: string;

  @ApiPropertyOptional({
    description: 'Identification report reference; required for 900-000-XX (identified by testing)',
    maxLength: 200,
  })
  @IsOptional()
  @IsLedgerText(200)
  identificationRef?: string;

  @QuantityProperty('Quantity in g, kg, t (mass) or pcs (count)')
  quantity!: QuantityDto;

  @ApiProperty({ enum: QuantityMethod, description: 'Whether the quantity was weighed or estimated' })
  @IsEnum(QuantityMethod)
  quantityMethod!: QuantityMethod;

  @ApiProperty({ enum: PhysicalForm })
  @IsEnum(PhysicalForm)
  physicalForm!: PhysicalForm;

  @ApiProperty({ enum: PackagingType })
  @IsEnum(PackagingType)
  packagingType!: PackagingType;

  @ApiProperty({ minimum: 1, maximum: MAX_CONTAINERS, example: 1 })
  @IsInt()
  @Min(1)
  @Max(MAX_CONTAINERS)
  containerCount!: number;

  @ApiPropertyOptional({ type: [String], maxItems: 20, description: '主要成分', example: ['废矿物油'] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @IsLedgerText(100, {}, { each: true })
  mainConstituents?: string[];

  @ApiPropertyOptional({ type: [String], maxItems: 20, description: '有害成分', example: ['多环芳烃'] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @IsLedgerText(100, {}, { each: true })
  hazardousConstituents?: string[];

  @ApiProperty({
    description: 'Code of the generating site or facility (产生设施编码)',
    example: 'CS001',
    maxLength: 64,
  })
  @IsLedgerText(64)
  facilityCode!: string;

  @ApiPropertyOptional({
    description:
      'HJ 1276-2022 digital ID on the label (37 characters). Omit it and the service issues one from your credit code, the waste code, the date and a daily serial.',
    example: '91371502MA3C4KXU189000414920261128001',
  })
  @IsOptional()
  @IsString()
  labelCode?: string;

  @ApiProperty({ description: 'Handler (经办人)', example: '张三', maxLength: 100 })
  @IsLedgerText(100)
  handlerName!: string;

  @ApiPropertyOptional({ description: 'Intended destination (去向)', maxLength: 200 })
  @IsOptional()
  @IsLedgerText(200)
  destination?: string;

  @ApiPropertyOptional({ description: 'Your batch code, e.g. HWCS20261128001 (HJ 1259 Appendix B)', maxLength: 40 })
  @IsOptional()
  @IsLedgerText(40)
  batchCode?: string;

  @ApiPropertyOptional({ maxLength: 2000 })
  @IsOptional()
  @IsLedgerText(2000, { multiline: true })
  notes?: string;

  @ApiProperty({ description: 'When the waste was generated (client time, ISO 8601 with zone)' })
  @IsTimestamp()
  occurredAt!: string;
}
