import { ApiProperty } from '@nestjs/swagger';
import { FlagResponseDto } from '../../flags/dto/flag.dto';
import { ChainVerificationDto } from '../../lots/dto/lot-response.dto';
import { AmountDto, OrganisationRefDto } from './common.dto';

export class AuditLotSummaryDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() labelCode!: string;
  @ApiProperty() wasteCode!: string;
  @ApiProperty() wasteCategory!: string;
  @ApiProperty({ nullable: true, type: String, description: 'Catalogue description (zh)' }) wasteName!: string | null;
  @ApiProperty({ nullable: true, type: String }) medicalClass!: string | null;
  @ApiProperty({ type: AmountDto }) quantity!: AmountDto;
  @ApiProperty() status!: string;
  @ApiProperty({ type: OrganisationRefDto }) generator!: OrganisationRefDto;
  @ApiProperty({ type: OrganisationRefDto }) custodian!: OrganisationRefDto;
  @ApiProperty() generatedAt!: string;
  @ApiProperty({ description: 'seq of the last event' }) headSeq!: number;
  @ApiProperty() headHash!: string;
}

export class AuditActorDto extends OrganisationRefDto {
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) memberId!: string | null;
}

export class AuditEventDto {
  @ApiProperty() seq!: number;
  @ApiProperty({ description: 'Position in the global log (64-bit, as a string)' }) globalSeq!: string;
  @ApiProperty() type!: string;
  @ApiProperty() occurredAt!: string;
  @ApiProperty() recordedAt!: string;
  @ApiProperty({ type: AuditActorDto }) actor!: AuditActorDto;
  @ApiProperty({ type: 'object', additionalProperties: true }) payload!: Record<string, unknown>;
  @ApiProperty() prevHash!: string;
  @ApiProperty() hash!: string;
  @ApiProperty() format!: number;
}

export class EventRefDto {
  @ApiProperty() seq!: number;
  @ApiProperty() type!: string;
}

export class IntervalStartDto extends EventRefDto {
  @ApiProperty({ nullable: true, type: String, format: 'uuid' }) manifestId!: string | null;
}

export class IntervalEndDto extends EventRefDto {
  @ApiProperty({
    enum: ['TRANSFERRED', 'CLOSED', 'BREAK'],
    description:
      'TRANSFERRED: the next party confirmed receipt; CLOSED: the lot closed; BREAK: a receipt named another sender',
  })
  reason!: string;
}

export class CustodyIntervalDto {
  @ApiProperty({ type: OrganisationRefDto }) custodian!: OrganisationRefDto;
  @ApiProperty() from!: string;
  @ApiProperty({ nullable: true, type: String, description: 'Null while it still holds the lot' }) to!: string | null;
  @ApiProperty({ type: IntervalStartDto }) startedBy!: IntervalStartDto;
  @ApiProperty({ type: IntervalEndDto, nullable: true }) endedBy!: IntervalEndDto | null;
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'When it offered the lot to the next party (HANDED_OVER); it stayed custodian until the receipt',
  })
  releasedAt!: string | null;
}

export class CustodyGapDto {
  @ApiProperty({ enum: ['CUSTODY_BREAK'] }) kind!: string;
  @ApiProperty({ description: 'The last recorded act of the custodian on record' }) from!: string;
  @ApiProperty({ description: 'The receipt that named another sender' }) to!: string;
  @ApiProperty() durationMs!: number;
  @ApiProperty({ type: OrganisationRefDto }) previousCustodian!: OrganisationRefDto;
  @ApiProperty({ type: OrganisationRefDto }) nextCustodian!: OrganisationRefDto;
  @ApiProperty({ type: OrganisationRefDto, description: 'The sender the receipt named' })
  namedSender!: OrganisationRefDto;
  @ApiProperty({ description: 'seq of the receipt' }) seq!: number;
}

export class CustodyAnomalyDto {
  @ApiProperty({ enum: ['NOT_CUSTODIAN', 'AFTER_CLOSURE', 'NO_ORIGIN'] }) kind!: string;
  @ApiProperty() seq!: number;
  @ApiProperty() type!: string;
  @ApiProperty({ type: OrganisationRefDto }) actor!: OrganisationRefDto;
  @ApiProperty({ type: OrganisationRefDto, nullable: true }) custodian!: OrganisationRefDto | null;
}

export class CustodyDto {
  @ApiProperty({ type: [CustodyIntervalDto] }) intervals!: CustodyIntervalDto[];
  @ApiProperty({
    type: [CustodyGapDto],
    description: 'Periods nobody on record held the lot (empty when the chain connects)',
  })
  gaps!: CustodyGapDto[];
  @ApiProperty({ type: [CustodyAnomalyDto] }) anomalies!: CustodyAnomalyDto[];
  @ApiProperty({ type: OrganisationRefDto, nullable: true }) currentCustodian!: OrganisationRefDto | null;
  @ApiProperty() closed!: boolean;
}

export class LineageNodeDto {
  @ApiProperty({ format: 'uuid' }) lotId!: string;
  @ApiProperty({ description: 'Shortest number of edges from the audited lot' }) depth!: number;
  @ApiProperty({ description: 'Whether the caller may see this lot; details are given only then' }) visible!: boolean;
  @ApiProperty({ nullable: true, type: String }) labelCode!: string | null;
  @ApiProperty({ nullable: true, type: String }) wasteCode!: string | null;
  @ApiProperty({ nullable: true, type: String }) status!: string | null;
  @ApiProperty({ type: AmountDto, nullable: true }) quantity!: AmountDto | null;
  @ApiProperty({ nullable: true, type: String, format: 'uuid' }) generatorOrganisationId!: string | null;
}

export class LineageEdgeAuditDto {
  @ApiProperty({ format: 'uuid' }) parentLotId!: string;
  @ApiProperty({ format: 'uuid' }) childLotId!: string;
  @ApiProperty({ enum: ['SPLIT', 'MERGE'] }) kind!: string;
  @ApiProperty({ type: AmountDto }) quantity!: AmountDto;
  @ApiProperty() at!: string;
}

export class LineageSideDto {
  @ApiProperty({ type: [LineageNodeDto] }) lots!: LineageNodeDto[];
  @ApiProperty({ type: [LineageEdgeAuditDto] }) edges!: LineageEdgeAuditDto[];
  @ApiProperty({ description: 'True when the depth or size bound cut the graph' }) truncated!: boolean;
}

export class LineageDto {
  @ApiProperty({ type: LineageSideDto, description: 'Ancestors: the lots this one was split or merged from' })
  upstream!: LineageSideDto;
  @ApiProperty({ type: LineageSideDto, description: 'Descendants: the lots made from this one' })
  downstream!: LineageSideDto;
  @ApiProperty() maxDepth!: number;
  @ApiProperty() maxLotsPerSide!: number;
}

export class StepSummaryDto {
  @ApiProperty() seq!: number;
  @ApiProperty() action!: string;
  @ApiProperty() toStatus!: string;
  @ApiProperty() occurredAt!: string;
  @ApiProperty({ type: OrganisationRefDto }) by!: OrganisationRefDto;
}

export class LotManifestLineDto {
  @ApiProperty() lineNo!: number;
  @ApiProperty({ type: AmountDto }) declared!: AmountDto;
  @ApiProperty({ type: AmountDto, nullable: true }) received!: AmountDto | null;
  @ApiProperty({ nullable: true, type: String }) decision!: string | null;
  @ApiProperty({ type: AmountDto, nullable: true }) accepted!: AmountDto | null;
  @ApiProperty({ nullable: true, type: String }) operationCode!: string | null;
  @ApiProperty({ type: AmountDto, nullable: true }) treated!: AmountDto | null;
}

export class LotManifestDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() number!: string;
  @ApiProperty() status!: string;
  @ApiProperty({ type: OrganisationRefDto }) consignor!: OrganisationRefDto;
  @ApiProperty({ type: [OrganisationRefDto], description: 'In order' }) carriers!: OrganisationRefDto[];
  @ApiProperty({ type: OrganisationRefDto }) consignee!: OrganisationRefDto;
  @ApiProperty() plannedOperation!: string;
  @ApiProperty({ nullable: true, type: String }) linkKind!: string | null;
  @ApiProperty({ nullable: true, type: String }) linkedManifestId!: string | null;
  @ApiProperty({ type: LotManifestLineDto, description: 'The line carrying this lot' }) line!: LotManifestLineDto;
  @ApiProperty({ type: [StepSummaryDto] }) steps!: StepSummaryDto[];
}

export class LotAuditDto {
  @ApiProperty({ type: AuditLotSummaryDto }) lot!: AuditLotSummaryDto;
  @ApiProperty({ type: [AuditEventDto], description: 'Every event of the chain, in order' }) events!: AuditEventDto[];
  @ApiProperty({ type: CustodyDto }) custody!: CustodyDto;
  @ApiProperty({ type: LineageDto }) lineage!: LineageDto;
  @ApiProperty({ type: [LotManifestDto] }) manifests!: LotManifestDto[];
  @ApiProperty({ type: [FlagResponseDto], description: 'Flags on the lot and on the manifests that carried it' })
  flags!: FlagResponseDto[];
  @ApiProperty({ type: ChainVerificationDto, description: 'Recomputed from the events above (same snapshot)' })
  verification!: ChainVerificationDto;
  @ApiProperty() generatedAt!: string;
}
