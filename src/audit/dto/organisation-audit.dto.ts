import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { CreditGradeResponseDto } from '../../credit-grades/dto/credit-grade.dto';
import { OrganisationResponseDto } from '../../organisations/dto/organisation.dto';
import { PeriodBoundsQueryDto } from '../../common/http/period-query.dto';
import { AmountDto, MassDto, PeriodDto } from './common.dto';

export class OrganisationAuditQueryDto extends PeriodBoundsQueryDto {
  @ApiPropertyOptional({
    description: 'Year to assess the HJ 1259 tier for. Default: the China calendar year in which the period ends.',
    minimum: 2000,
    maximum: 2999,
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(2000)
  @Max(2999)
  tierYear?: number;
}

export class MassBalanceDto {
  @ApiProperty({ type: AmountDto, description: 'heldEnd − heldStart' }) heldChange!: AmountDto;
  @ApiProperty({
    type: AmountDto,
    description: 'received + generated − sent − treated − disposed − heldChange (0 when balanced)',
  })
  residual!: AmountDto;
  @ApiProperty({
    type: AmountDto,
    description: 'Residual not explained by split/merge or corrections (0 unless inconsistent)',
  })
  unexplained!: AmountDto;
  @ApiProperty() balanced!: boolean;
}

export class FlowsDto {
  @ApiProperty({ type: AmountDto, description: 'Held (open lots in its custody) at the start of the period' })
  heldStart!: AmountDto;
  @ApiProperty({ type: AmountDto, description: 'Genesis quantity of the lots it generated' }) generated!: AmountDto;
  @ApiProperty({
    type: AmountDto,
    description: 'Came into its custody under manifests (at its weighed quantity when it inspected as consignee)',
  })
  received!: AmountDto;
  @ApiProperty({ type: AmountDto, description: 'Left its custody under manifests' }) sent!: AmountDto;
  @ApiProperty({ type: AmountDto, description: 'Utilised or treated by it (TREATED)' }) treated!: AmountDto;
  @ApiProperty({ type: AmountDto, description: 'Disposed of by it (DISPOSED)' }) disposed!: AmountDto;
  @ApiProperty({ type: AmountDto, description: 'Held at the end of the period' }) heldEnd!: AmountDto;
  @ApiProperty({ type: AmountDto, description: 'Net change from splits and merges (0 when they balance)' })
  lineage!: AmountDto;
  @ApiProperty({ type: AmountDto, description: 'Net change from corrections' }) corrections!: AmountDto;
  @ApiProperty({ type: MassBalanceDto }) massBalance!: MassBalanceDto;
}

export class WasteCodeFlowsDto extends FlowsDto {
  @ApiProperty() wasteCode!: string;
  @ApiProperty() wasteCategory!: string;
  @ApiProperty({ enum: ['g', 'pcs'] }) unit!: string;
}

export class RuleCountDto {
  @ApiProperty() ruleId!: string;
  @ApiProperty() severity!: string;
  @ApiProperty() count!: number;
}

export class OpenFlagsDto {
  @ApiProperty() total!: number;
  @ApiProperty({ type: [RuleCountDto] }) byRule!: RuleCountDto[];
}

export class AuditPermitDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() kind!: string;
  @ApiProperty() number!: string;
  @ApiProperty({ description: 'Effective state today (EXPIRED derived from validTo)' }) state!: string;
  @ApiProperty({ type: [String] }) operationModes!: string[];
  @ApiProperty({ type: [String] }) wasteCodes!: string[];
  @ApiProperty({ type: [String] }) wasteCategories!: string[];
  @ApiProperty({ type: MassDto, nullable: true }) annualCapacity!: MassDto | null;
  @ApiProperty() validFrom!: string;
  @ApiProperty() validTo!: string;
  @ApiProperty() issuer!: string;
}

export class YearQuantityDto extends MassDto {
  @ApiProperty() year!: number;
}

export class AnnualQuantityDto extends MassDto {
  @ApiProperty({
    enum: ['MAX_OF_LAST_3_YEARS', 'MAX_OF_YEARS_RUN', 'DECLARED_FIGURE', 'CURRENT_YEAR_SO_FAR', 'NO_RECORDS'],
  })
  method!: string;
  @ApiProperty({ type: [Number], description: 'The calendar years looked at' }) years!: number[];
  @ApiProperty({ nullable: true, type: Number }) maxYear!: number | null;
}

export class TierDto {
  @ApiProperty({ description: 'The year assessed' }) year!: number;
  @ApiProperty({ enum: ['KEY', 'SIMPLIFIED', 'REGISTRATION'] }) tier!: string;
  @ApiProperty({
    type: [String],
    enum: ['ANNUAL_QUANTITY', 'OWN_FACILITY', 'OPERATING_LICENCE'],
    description: 'The HJ 1259 §4.2 criteria that make it KEY (empty otherwise)',
  })
  reasons!: string[];
  @ApiProperty({ type: AnnualQuantityDto }) annualQuantity!: AnnualQuantityDto;
  @ApiProperty({ type: [YearQuantityDto], description: 'Generated per China calendar year, up to the year assessed' })
  generatedByYear!: YearQuantityDto[];
  @ApiProperty() ownFacility!: boolean;
  @ApiProperty() operatingLicence!: boolean;
  @ApiProperty({ type: [String], enum: ['MONTHLY', 'QUARTERLY', 'ANNUAL'], description: 'Declaration cadence (§7.2)' })
  declarations!: string[];
  @ApiProperty({ description: 'On the key supervised units list by a regulator’s manual addition' })
  manuallyListed!: boolean;
  @ApiProperty() profileId!: string;
}

export class OrganisationTotalsDto {
  @ApiProperty({ type: MassDto }) heldStart!: MassDto;
  @ApiProperty({ type: MassDto }) generated!: MassDto;
  @ApiProperty({ type: MassDto }) received!: MassDto;
  @ApiProperty({ type: MassDto }) sent!: MassDto;
  @ApiProperty({ type: MassDto }) treated!: MassDto;
  @ApiProperty({ type: MassDto }) disposed!: MassDto;
  @ApiProperty({ type: MassDto }) heldEnd!: MassDto;
  @ApiProperty({ type: MassDto }) residual!: MassDto;
  @ApiProperty() balanced!: boolean;
}

export class OrganisationAuditDto {
  @ApiProperty({ type: OrganisationResponseDto }) organisation!: OrganisationResponseDto;
  @ApiProperty({ type: PeriodDto }) period!: PeriodDto;
  @ApiProperty({ type: [WasteCodeFlowsDto], description: 'Per waste code and unit' }) flows!: WasteCodeFlowsDto[];
  @ApiProperty({ type: OrganisationTotalsDto, description: 'Sum over the waste codes counted in grams' })
  totals!: OrganisationTotalsDto;
  @ApiProperty({ type: OpenFlagsDto }) openFlags!: OpenFlagsDto;
  @ApiProperty({ type: [AuditPermitDto] }) permits!: AuditPermitDto[];
  @ApiProperty({ type: CreditGradeResponseDto, nullable: true, description: 'The grade in force today' })
  creditGrade!: CreditGradeResponseDto | null;
  @ApiProperty({ type: TierDto }) tier!: TierDto;
  @ApiProperty() generatedAt!: string;
}
