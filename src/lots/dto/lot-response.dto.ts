import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsEnum, IsOptional, IsString, IsUUID, Matches } from 'class-validator';
import { PageMetaDto, PageQueryDto } from '../../common/pagination/cursor';
import type { ChainFault, ChainVerdict } from '../../ledger/domain/chain-verifier';
import { BaseUnit, EventType, LotStatus, QuantityMethod } from '../../ledger/domain/ledger-types';
import type { AppendedEvent } from '../../ledger/ledger-writer';
import { LineageKind, PackagingType, PhysicalForm } from '../domain/lot-attributes';
import type { LineageEdgeRow, LotRow } from '../lots.repository';
import { IsTimestamp } from './validators';

export class BaseQuantityDto {
  @ApiProperty({ description: 'Integer number of base units, as a string', example: '12345' })
  value!: string;

  @ApiProperty({ enum: BaseUnit, description: 'g (grams) or pcs (pieces)' })
  unit!: BaseUnit;
}

export class LotHeadDto {
  @ApiProperty({ description: 'seq of the last event' }) seq!: number;
  @ApiProperty({ description: 'SHA-256 of the last event (hex)' }) hash!: string;
  @ApiProperty({ description: 'occurredAt of the last event' }) occurredAt!: string;
}

export class LotResponseDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ description: 'HJ 1276 digital ID on the label' }) labelCode!: string;
  @ApiProperty({ description: 'True when the service issued the label code' }) labelCodeIssued!: boolean;
  @ApiProperty({ example: '900-041-49' }) wasteCode!: string;
  @ApiProperty({ example: 'HW49' }) wasteCategory!: string;
  @ApiProperty({ example: 'CN-HW-2021' }) catalogueEditionId!: string;
  @ApiProperty({ nullable: true, type: String, description: 'Medical-waste class (HW01 codes)' })
  medicalClass!: string | null;
  @ApiProperty({ nullable: true, type: String }) identificationRef!: string | null;
  @ApiProperty({ type: BaseQuantityDto }) quantity!: BaseQuantityDto;
  @ApiProperty({ enum: QuantityMethod }) quantityMethod!: QuantityMethod;
  @ApiProperty({ enum: PhysicalForm }) physicalForm!: PhysicalForm;
  @ApiProperty({ enum: PackagingType }) packagingType!: PackagingType;
  @ApiProperty() containerCount!: number;
  @ApiProperty({ format: 'uuid', description: 'Generating (or, for split and merged lots, creating) organisation' })
  generatorOrganisationId!: string;
  @ApiProperty({ format: 'uuid' }) custodianOrganisationId!: string;
  @ApiProperty({ enum: LotStatus }) status!: LotStatus;
  @ApiProperty({ description: 'occurredAt of the first event' }) generatedAt!: string;
  @ApiProperty({ type: LotHeadDto }) head!: LotHeadDto;
  @ApiProperty() createdAt!: string;
  @ApiProperty() updatedAt!: string;

  static from(l: LotRow): LotResponseDto {
    return {
      id: l.id,
      labelCode: l.labelCode,
      labelCodeIssued: l.labelCodeIssued,
      wasteCode: l.wasteCode,
      wasteCategory: l.wasteCategory,
      catalogueEditionId: l.catalogueEditionId,
      medicalClass: l.medicalClass,
      identificationRef: l.identificationRef,
      quantity: { value: l.quantity, unit: l.quantityUnit },
      quantityMethod: l.quantityMethod,
      physicalForm: l.physicalForm,
      packagingType: l.packagingType,
      containerCount: l.containerCount,
      generatorOrganisationId: l.generatorOrganisationId,
      custodianOrganisationId: l.custodianOrganisationId,
      status: l.status,
      generatedAt: l.generatedAt.toISOString(),
      head: { seq: l.headSeq, hash: l.headHash, occurredAt: l.headOccurredAt.toISOString() },
      createdAt: l.createdAt.toISOString(),
      updatedAt: l.updatedAt.toISOString(),
    };
  }
}

export class LineageEdgeDto {
  @ApiProperty({ format: 'uuid' }) lotId!: string;
  @ApiProperty({ enum: LineageKind }) kind!: LineageKind;
  @ApiProperty({ type: BaseQuantityDto, description: 'Quantity that went along this edge' })
  quantity!: BaseQuantityDto;

  static from(e: LineageEdgeRow, unit: BaseUnit): LineageEdgeDto {
    return { lotId: e.lotId, kind: e.kind, quantity: { value: e.quantity, unit } };
  }
}

export class LotDetailResponseDto extends LotResponseDto {
  @ApiProperty({ type: [LineageEdgeDto], description: 'Lots this one came from (split or merge)' })
  parents!: LineageEdgeDto[];
  @ApiProperty({ type: [LineageEdgeDto], description: 'Lots made from this one' })
  children!: LineageEdgeDto[];

  static fromDetail(l: LotRow, parents: LineageEdgeRow[], children: LineageEdgeRow[]): LotDetailResponseDto {
    return {
      ...LotResponseDto.from(l),
      parents: parents.map((e) => LineageEdgeDto.from(e, l.quantityUnit)),
      children: children.map((e) => LineageEdgeDto.from(e, l.quantityUnit)),
    };
  }
}

export class LotPageDto extends PageMetaDto {
  @ApiProperty({ type: [LotResponseDto] }) items!: LotResponseDto[];
}

export class SplitResponseDto {
  @ApiProperty({ type: LotDetailResponseDto }) parent!: LotDetailResponseDto;
  @ApiProperty({ type: [LotDetailResponseDto] }) children!: LotDetailResponseDto[];
}

export class ListLotsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ example: '900-041-49' })
  @IsOptional()
  @IsString()
  @Matches(/^\d{3}-\d{3}-\d{2}$/, { message: 'wasteCode must be NNN-NNN-NN' })
  wasteCode?: string;

  @ApiPropertyOptional({ enum: LotStatus })
  @IsOptional()
  @IsEnum(LotStatus)
  status?: LotStatus;

  @ApiPropertyOptional({ format: 'uuid', description: 'Current custodian' })
  @IsOptional()
  @IsUUID()
  custodianOrganisationId?: string;

  @ApiPropertyOptional({ description: 'Generated at or after (ISO 8601 with zone)' })
  @IsOptional()
  @IsTimestamp()
  generatedFrom?: string;

  @ApiPropertyOptional({ description: 'Generated before (ISO 8601 with zone)' })
  @IsOptional()
  @IsTimestamp()
  generatedTo?: string;
}

export class EventActorDto {
  @ApiProperty({ format: 'uuid' }) organisationId!: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) memberId!: string | null;
}

export class LotEventResponseDto {
  @ApiProperty({ format: 'uuid' }) lotId!: string;
  @ApiProperty({ description: 'Position in the lot’s chain, from 1' }) seq!: number;
  @ApiProperty({ description: 'Position in the global log of all events (a string: 64-bit)' }) globalSeq!: string;
  @ApiProperty({ description: 'Encoding version of the hashed content' }) format!: number;
  @ApiProperty({ enum: EventType }) type!: EventType;
  @ApiProperty({ description: 'When it happened (client time)' }) occurredAt!: string;
  @ApiProperty({ description: 'When the service recorded it' }) recordedAt!: string;
  @ApiProperty({ type: EventActorDto }) actor!: EventActorDto;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'Type-specific content (hashed)' })
  payload!: Record<string, unknown>;
  @ApiProperty({ description: 'Hash of the previous event (64 zeros for seq 1), hex' }) prevHash!: string;
  @ApiProperty({ description: 'SHA-256 of the RFC 8785 canonical content (docs/ledger.md), hex' }) hash!: string;

  static from(e: AppendedEvent): LotEventResponseDto {
    return {
      lotId: e.lotId,
      seq: e.seq,
      globalSeq: e.globalSeq,
      format: e.format,
      type: e.type as EventType,
      occurredAt: e.occurredAt,
      recordedAt: e.recordedAt,
      actor: { organisationId: e.actor.organisationId, memberId: e.actor.memberId },
      payload: e.payload,
      prevHash: e.prevHash,
      hash: e.hash,
    };
  }
}

export class LotEventBatchResponseDto {
  @ApiProperty({ type: [LotEventResponseDto], description: 'The recorded events, in the order of the request' })
  events!: LotEventResponseDto[];
}

export class LotEventPageDto extends PageMetaDto {
  @ApiProperty({ type: [LotEventResponseDto] }) items!: LotEventResponseDto[];
}

const FAULTS: ChainFault[] = [
  'empty-chain',
  'missing-event',
  'unexpected-event',
  'invalid-genesis',
  'unknown-format',
  'broken-link',
  'hash-mismatch',
  'head-mismatch',
];

export class ChainVerificationDto {
  @ApiProperty({ format: 'uuid' }) lotId!: string;
  @ApiProperty({ description: 'True when every event recomputes and links, and the chain ends at the lot’s head' })
  ok!: boolean;
  @ApiProperty({ description: 'Events that verified before the first fault (all of them when ok)' })
  eventsChecked!: number;
  @ApiProperty({ description: 'The head recorded on the lot' }) headSeq!: number;
  @ApiProperty() headHash!: string;
  @ApiProperty({ nullable: true, type: Number, description: 'The first bad sequence number' })
  firstBadSeq!: number | null;
  @ApiProperty({ nullable: true, enum: FAULTS }) fault!: ChainFault | null;
  @ApiProperty({ nullable: true, type: String }) detail!: string | null;
  @ApiProperty() verifiedAt!: string;

  static from(
    lotId: string,
    head: { seq: number; hash: string },
    verdict: ChainVerdict,
    at: Date,
  ): ChainVerificationDto {
    return {
      lotId,
      ok: verdict.ok,
      eventsChecked: verdict.eventsChecked,
      headSeq: head.seq,
      headHash: head.hash,
      firstBadSeq: verdict.ok ? null : verdict.firstBadSeq,
      fault: verdict.ok ? null : verdict.fault,
      detail: verdict.ok ? null : verdict.detail,
      verifiedAt: at.toISOString(),
    };
  }
}
