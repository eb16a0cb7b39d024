import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Matches } from 'class-validator';
import { MassDto, PeriodDto } from '../../audit/dto/common.dto';
import { PeriodBoundsQueryDto } from '../../common/http/period-query.dto';

export class PeriodQueryDto extends PeriodBoundsQueryDto {
  @ApiPropertyOptional({
    description:
      'Region-code prefix (any level: 2, 4 or 6 digits, or anything in between). Regulators: within their jurisdiction (default: all of it); platform admin: any (default: everywhere).',
    example: '3715',
  })
  @IsOptional()
  @Matches(/^\d{1,6}$/, { message: 'region must be 1 to 6 digits' })
  region?: string;
}

export class TonnageQueryDto extends PeriodQueryDto {
  @ApiProperty({
    enum: ['generated', 'transferred', 'treated'],
    description:
      'generated: genesis quantity of lots generated (generator’s region); transferred: declared quantity of manifest lines picked up (consignor’s region); treated: quantity treated or disposed of (the facility’s region)',
  })
  @IsIn(['generated', 'transferred', 'treated'])
  kind!: 'generated' | 'transferred' | 'treated';

  @ApiPropertyOptional({ enum: ['category', 'code'], default: 'category' })
  @IsOptional()
  @IsIn(['category', 'code'])
  groupBy?: 'category' | 'code';

  @ApiPropertyOptional({ enum: ['month', 'year'], default: 'month', description: 'Calendar buckets in China time' })
  @IsOptional()
  @IsIn(['month', 'year'])
  period?: 'month' | 'year';

  @ApiPropertyOptional({
    description: 'Also break down by region at this prefix length (2 province, 4 city, 6 county)',
    enum: [2, 4, 6],
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @IsIn([2, 4, 6])
  regionLevel?: number;
}

export class StatsScopeDto {
  @ApiProperty({ enum: ['all', 'region', 'organisation'] }) kind!: string;
  @ApiProperty({ nullable: true, type: String }) region!: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'uuid' }) organisationId!: string | null;
}

export class TonnageRowDto extends MassDto {
  @ApiProperty({ example: '2024-06', description: 'YYYY-MM or YYYY (China time)' }) period!: string;
  @ApiProperty({ example: 'HW49', description: 'Waste category or code' }) group!: string;
  @ApiProperty({ nullable: true, type: String, description: 'Region prefix (with regionLevel), else null' })
  region!: string | null;
  @ApiProperty({ description: 'Lots, manifest lines or treatment events counted' }) count!: number;
}

export class TonnageTotalsDto extends MassDto {
  @ApiProperty() count!: number;
}

export class TonnageDto {
  @ApiProperty() kind!: string;
  @ApiProperty() groupBy!: string;
  @ApiProperty() period!: string;
  @ApiProperty({ nullable: true, type: Number }) regionLevel!: number | null;
  @ApiProperty({ type: PeriodDto }) range!: PeriodDto;
  @ApiProperty({ type: StatsScopeDto }) scope!: StatsScopeDto;
  @ApiProperty({ type: [TonnageRowDto] }) rows!: TonnageRowDto[];
  @ApiProperty({ type: TonnageTotalsDto }) totals!: TonnageTotalsDto;
  @ApiProperty({ description: 'How the figures are computed' }) method!: string;
}

export class InstitutionRefDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty() regionCode!: string;
}

export class InstitutionCoverageDto {
  @ApiProperty({ type: InstitutionRefDto }) institution!: InstitutionRefDto;
  @ApiProperty({ enum: ['ON_TIME', 'NOT_ON_TIME', 'NOT_YET_DUE', 'SELF_DISPOSED'] }) verdict!: string;
  @ApiProperty({ description: 'HW01 lots generated in the period' }) lots!: number;
  @ApiProperty() onTime!: number;
  @ApiProperty() late!: number;
  @ApiProperty({ description: 'Not picked up, limit passed' }) overdue!: number;
  @ApiProperty({ description: 'Not picked up, within the limit' }) waiting!: number;
  @ApiProperty() selfDisposed!: number;
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'Longest generation → pickup (or → now if overdue), hours',
  })
  worstHours!: string | null;
}

export class CoverageSummaryDto {
  @ApiProperty() institutions!: number;
  @ApiProperty() onTime!: number;
  @ApiProperty() notOnTime!: number;
  @ApiProperty() notYetDue!: number;
  @ApiProperty() selfDisposed!: number;
  @ApiProperty({ nullable: true, type: String, example: '0.7500', description: 'onTime / (onTime + notOnTime)' })
  onTimeRate!: string | null;
}

export class MedicalCollectionDto {
  @ApiProperty({ type: PeriodDto }) range!: PeriodDto;
  @ApiProperty({ type: StatsScopeDto }) scope!: StatsScopeDto;
  @ApiProperty({ description: 'Pickup limit after generation (rule profile)' }) limitHours!: number;
  @ApiProperty({ description: 'Waiting lots are judged against this instant' }) asOf!: string;
  @ApiProperty({ type: [InstitutionCoverageDto] }) institutions!: InstitutionCoverageDto[];
  @ApiProperty({ type: CoverageSummaryDto }) summary!: CoverageSummaryDto;
  @ApiProperty({ description: 'How the figures are computed' }) method!: string;
}
