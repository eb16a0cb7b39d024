import { ApiProperty } from '@nestjs/swagger';
import { FlagResponseDto } from '../../flags/dto/flag.dto';
import { ChainVerificationDto } from '../../lots/dto/lot-response.dto';
import { ManifestResponseDto, ManifestStepResponseDto } from '../../manifests/dto/manifest-response.dto';
import { OrganisationRefDto } from './common.dto';

export class TrailEventDto {
  @ApiProperty({ format: 'uuid' }) lotId!: string;
  @ApiProperty() seq!: number;
  @ApiProperty() type!: string;
  @ApiProperty() occurredAt!: string;
  @ApiProperty() recordedAt!: string;
  @ApiProperty({ type: OrganisationRefDto }) actor!: OrganisationRefDto;
  @ApiProperty({ nullable: true, type: String, description: 'The stepHash the event carries' }) stepHash!:
    string | null;
  @ApiProperty() hash!: string;
}

export class AuditStepDto extends ManifestStepResponseDto {
  @ApiProperty({ type: OrganisationRefDto }) by!: OrganisationRefDto;
  @ApiProperty({ type: [TrailEventDto], description: 'The lot events this step wrote (matched by stepHash)' })
  events!: TrailEventDto[];
  @ApiProperty({ type: [String], description: 'Lots the step should have written to' }) expectedLotIds!: string[];
  @ApiProperty({ type: [String] }) missingLotIds!: string[];
  @ApiProperty({ description: 'Exactly one event on each expected lot' }) complete!: boolean;
}

export class ManifestPartiesDto {
  @ApiProperty({ type: OrganisationRefDto }) consignor!: OrganisationRefDto;
  @ApiProperty({ type: [OrganisationRefDto], description: 'In order' }) carriers!: OrganisationRefDto[];
  @ApiProperty({ type: OrganisationRefDto }) consignee!: OrganisationRefDto;
}

export class ManifestLotAuditDto {
  @ApiProperty() lineNo!: number;
  @ApiProperty({ format: 'uuid' }) lotId!: string;
  @ApiProperty({ nullable: true, type: String }) labelCode!: string | null;
  @ApiProperty({ nullable: true, type: String }) status!: string | null;
  @ApiProperty({ type: OrganisationRefDto, nullable: true }) custodian!: OrganisationRefDto | null;
  @ApiProperty({ type: ChainVerificationDto, nullable: true }) verification!: ChainVerificationDto | null;
}

export class ManifestAuditDto {
  @ApiProperty({ type: ManifestResponseDto, description: 'The manifest with its carriers and lines' })
  manifest!: ManifestResponseDto;
  @ApiProperty({ type: ManifestPartiesDto }) parties!: ManifestPartiesDto;
  @ApiProperty({ type: [AuditStepDto] }) steps!: AuditStepDto[];
  @ApiProperty({
    type: [TrailEventDto],
    description: 'Events naming this manifest whose stepHash matches none of its steps (should be empty)',
  })
  unmatchedEvents!: TrailEventDto[];
  @ApiProperty({ description: 'Every step wrote exactly its events, and no event is unmatched' })
  trailComplete!: boolean;
  @ApiProperty({ type: [ManifestLotAuditDto], description: 'Each lot on the manifest, with its chain verification' })
  lots!: ManifestLotAuditDto[];
  @ApiProperty({ type: [FlagResponseDto], description: 'Flags on the manifest and on its lots' })
  flags!: FlagResponseDto[];
  @ApiProperty() generatedAt!: string;
}
