import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min } from 'class-validator';
import { IsPlainText } from '../../common/http/field-decorators';
import type { KeyUnitDesignation } from '../entities/key-unit-designation.entity';
import { KeyUnitAction } from '../entities/key-unit-designation.entity';
import { AnnualQuantityDto } from './organisation-audit.dto';

/** `?bom=true|false` (query strings are text). */
export const BooleanQuery = () =>
  Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value));

export class KeyUnitsQueryDto {
  @ApiPropertyOptional({
    description: 'Year assessed (default: the current China calendar year)',
    minimum: 2000,
    maximum: 2999,
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(2000)
  @Max(2999)
  year?: number;

  @ApiPropertyOptional({
    description: 'Region-code prefix within the jurisdiction (default: the whole jurisdiction)',
    example: '3715',
  })
  @IsOptional()
  @Matches(/^\d{1,6}$/, { message: 'region must be 1 to 6 digits' })
  region?: string;

  @ApiPropertyOptional({ enum: ['json', 'csv'], default: 'json' })
  @IsOptional()
  @IsIn(['json', 'csv'])
  format?: 'json' | 'csv';

  @ApiPropertyOptional({ description: 'CSV only: start with a UTF-8 byte-order mark (for Excel)', default: false })
  @IsOptional()
  @BooleanQuery()
  @IsBoolean()
  bom?: boolean;
}

export class KeyUnitChangeDto {
  @ApiProperty({ format: 'uuid', description: 'The unit (organisation)' })
  @IsUUID()
  organisationId!: string;

  @ApiProperty({
    description: 'Why (kept in the list’s history)',
    maxLength: 2000,
    example: '涉重金属污泥，市局调整为重点监管',
  })
  @IsString()
  @MaxLength(2000)
  @IsPlainText()
  reason!: string;
}

export class KeyUnitDesignationDto {
  @ApiProperty({ description: 'Sequence number of the record' }) id!: string;
  @ApiProperty({ format: 'uuid' }) organisationId!: string;
  @ApiProperty({ enum: KeyUnitAction }) action!: KeyUnitAction;
  @ApiProperty() reason!: string;
  @ApiProperty({ format: 'uuid' }) regulatorOrganisationId!: string;
  @ApiProperty() actor!: string;
  @ApiProperty() recordedAt!: string;

  static from(d: KeyUnitDesignation): KeyUnitDesignationDto {
    return {
      id: d.id,
      organisationId: d.organisationId,
      action: d.action,
      reason: d.reason,
      regulatorOrganisationId: d.regulatorOrganisationId,
      actor: d.actor,
      recordedAt: d.recordedAt.toISOString(),
    };
  }
}

export class KeyUnitHistoryDto {
  @ApiProperty({ format: 'uuid' }) organisationId!: string;
  @ApiProperty({ description: 'Listed by a manual addition now' }) manuallyListed!: boolean;
  @ApiProperty({ type: [KeyUnitDesignationDto], description: 'Oldest first' }) items!: KeyUnitDesignationDto[];
}

export class KeyUnitOrganisationDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty() registrationCode!: string;
  @ApiProperty() regionCode!: string;
  @ApiProperty({ nullable: true, type: String }) regionName!: string | null;
  @ApiProperty({ type: [String] }) roles!: string[];
}

export class KeyUnitDto {
  @ApiProperty({ type: KeyUnitOrganisationDto }) organisation!: KeyUnitOrganisationDto;
  @ApiProperty({
    type: [String],
    enum: ['ANNUAL_QUANTITY', 'OWN_FACILITY', 'OPERATING_LICENCE', 'MANUAL'],
    description: 'Why it is on the list: the HJ 1259 §4.2 criteria it meets, and/or a regulator’s addition',
  })
  basis!: string[];
  @ApiProperty({ enum: ['KEY', 'SIMPLIFIED', 'REGISTRATION'], description: 'The tier computed from the ledger' })
  computedTier!: string;
  @ApiProperty({ type: AnnualQuantityDto }) annualQuantity!: AnnualQuantityDto;
  @ApiProperty({ type: KeyUnitDesignationDto, nullable: true, description: 'The manual addition in force, if any' })
  manual!: KeyUnitDesignationDto | null;
}

export class KeyUnitListDto {
  @ApiProperty() year!: number;
  @ApiProperty({ nullable: true, type: String, description: 'Region prefix listed; null for all regions' })
  region!: string | null;
  @ApiProperty({ type: [KeyUnitDto] }) items!: KeyUnitDto[];
  @ApiProperty() generatedAt!: string;
}
