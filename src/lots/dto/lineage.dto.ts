import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsEnum,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { QuantityMethod } from '../../ledger/domain/ledger-types';
import { PackagingType, PhysicalForm } from '../domain/lot-attributes';
import { MAX_CONTAINERS } from './create-lot.dto';
import { IsLedgerText, IsTimestamp, QuantityDto, QuantityProperty } from './validators';

export const MAX_LINEAGE_FAN = 100;

export class SplitPartDto {
  @QuantityProperty("This part's quantity; the parts must add up to the lot's quantity exactly")
  quantity!: QuantityDto;

  @ApiPropertyOptional({ enum: QuantityMethod, description: "Defaults to the lot's" })
  @IsOptional()
  @IsEnum(QuantityMethod)
  quantityMethod?: QuantityMethod;

  @ApiPropertyOptional({ enum: PackagingType, description: "Defaults to the lot's" })
  @IsOptional()
  @IsEnum(PackagingType)
  packagingType?: PackagingType;

  @ApiPropertyOptional({ minimum: 1, maximum: MAX_CONTAINERS, default: 1 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_CONTAINERS)
  containerCount?: number;

  @ApiPropertyOptional({ description: 'HJ 1276 digital ID of the new label; issued when omitted' })
  @IsOptional()
  @IsString()
  labelCode?: string;
}

export class SplitLotDto {
  @ApiProperty({ description: 'When the lot was divided (client time, ISO 8601 with zone)' })
  @IsTimestamp()
  occurredAt!: string;

  @ApiProperty({ description: 'Handler (经办人)', maxLength: 100 })
  @IsLedgerText(100)
  handlerName!: string;

  @ApiProperty({ type: [SplitPartDto], minItems: 2, maxItems: MAX_LINEAGE_FAN })
  @IsArray()
  @ArrayMinSize(2)
  @ArrayMaxSize(MAX_LINEAGE_FAN)
  @ValidateNested({ each: true })
  @Type(() => SplitPartDto)
  parts!: SplitPartDto[];

  @ApiPropertyOptional({ maxLength: 2000 })
  @IsOptional()
  @IsLedgerText(2000, { multiline: true })
  notes?: string;
}

export class MergeLotsDto {
  @ApiProperty({
    type: [String],
    format: 'uuid',
    minItems: 2,
    maxItems: MAX_LINEAGE_FAN,
    description: 'Lots of one waste code held by you',
  })
  @IsArray()
  @ArrayMinSize(2)
  @ArrayMaxSize(MAX_LINEAGE_FAN)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  lotIds!: string[];

  @ApiProperty({ description: 'When the lots were merged (client time, ISO 8601 with zone)' })
  @IsTimestamp()
  occurredAt!: string;

  @ApiProperty({ description: 'Handler (经办人)', maxLength: 100 })
  @IsLedgerText(100)
  handlerName!: string;

  @QuantityProperty('The merged quantity if you state it: it must equal the exact sum of the lots', { optional: true })
  quantity?: QuantityDto;

  @ApiProperty({ enum: PackagingType })
  @IsEnum(PackagingType)
  packagingType!: PackagingType;

  @ApiProperty({ minimum: 1, maximum: MAX_CONTAINERS })
  @IsInt()
  @Min(1)
  @Max(MAX_CONTAINERS)
  containerCount!: number;

  @ApiPropertyOptional({ enum: PhysicalForm, description: 'Required when the lots differ in physical form' })
  @IsOptional()
  @IsEnum(PhysicalForm)
  physicalForm?: PhysicalForm;

  @ApiPropertyOptional({ description: 'HJ 1276 digital ID of the merged lot; issued when omitted' })
  @IsOptional()
  @IsString()
  labelCode?: string;

  @ApiPropertyOptional({ maxLength: 2000 })
  @IsOptional()
  @IsLedgerText(2000, { multiline: true })
  notes?: string;
}
