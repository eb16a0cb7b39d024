import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsDateString, IsIn, IsOptional, IsUUID, Matches } from 'class-validator';
import { PageMetaDto, PageQueryDto } from '../../common/pagination/cursor';
import { BaseQuantityDto } from '../../lots/dto/lot-response.dto';
import { BaseUnit } from '../../ledger/domain/ledger-types';
import { MANIFEST_STATUSES, type ManifestStatus } from '../domain/manifest-state-machine';
import type { ManifestCarrier } from '../entities/manifest-carrier.entity';
import type { ManifestLine } from '../entities/manifest-line.entity';
import type { ManifestStep } from '../entities/manifest-step.entity';
import type { Manifest } from '../entities/manifest.entity';

const quantity = (value: string | null, unit: string): BaseQuantityDto | null =>
  value === null ? null : { value, unit: unit as BaseUnit };

export class ListManifestsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: MANIFEST_STATUSES }) @IsOptional() @IsIn(MANIFEST_STATUSES) status?: ManifestStatus;
  @ApiPropertyOptional({ format: 'uuid', description: 'Manifests this organisation is a party to' })
  @IsOptional()
  @IsUUID()
  party?: string;
  @ApiPropertyOptional({
    enum: ['CONSIGNOR', 'CARRIER', 'CONSIGNEE'],
    description: 'The caller’s own role on the manifest',
  })
  @IsOptional()
  @IsIn(['CONSIGNOR', 'CARRIER', 'CONSIGNEE'])
  role?: 'CONSIGNOR' | 'CARRIER' | 'CONSIGNEE';
  @ApiPropertyOptional({ description: 'Created at or after (ISO 8601)' })
  @IsOptional()
  @IsDateString({ strict: true })
  from?: string;
  @ApiPropertyOptional({ description: 'Created before (ISO 8601)' })
  @IsOptional()
  @IsDateString({ strict: true })
  to?: string;
  @ApiPropertyOptional({ example: '900-214-08' })
  @IsOptional()
  @Matches(/^\d{3}-\d{3}-\d{2}$/)
  wasteCode?: string;
}

export class ManifestCarrierResponseDto {
  @ApiProperty() position!: number;
  @ApiProperty({ format: 'uuid' }) organisationId!: string;
  @ApiProperty() vehiclePlate!: string;
  @ApiProperty() operatingPermitNumber!: string;
  @ApiProperty({ nullable: true, type: String }) startPoint!: string | null;
  @ApiProperty({ nullable: true, type: String }) endPoint!: string | null;

  static from(c: ManifestCarrier): ManifestCarrierResponseDto {
    return {
      position: c.position,
      organisationId: c.organisationId,
      vehiclePlate: c.vehiclePlate,
      operatingPermitNumber: c.operatingPermitNumber,
      startPoint: c.startPoint,
      endPoint: c.endPoint,
    };
  }
}

export class ManifestLineResponseDto {
  @ApiProperty() lineNo!: number;
  @ApiProperty({ format: 'uuid' }) lotId!: string;
  @ApiProperty() wasteCode!: string;
  @ApiProperty({ type: BaseQuantityDto }) declared!: BaseQuantityDto;
  @ApiProperty() declaredContainers!: number;
  @ApiProperty({ nullable: true, type: String }) hazard!: string | null;
  @ApiProperty({ nullable: true, type: String }) physicalForm!: string | null;
  @ApiProperty({ nullable: true, type: String }) packaging!: string | null;
  @ApiProperty({ nullable: true, type: String }) unNumber!: string | null;
  @ApiProperty({ nullable: true, type: String }) dangerousGoodsClass!: string | null;
  @ApiProperty({ type: BaseQuantityDto, nullable: true }) received!: BaseQuantityDto | null;
  @ApiProperty({ nullable: true, type: Number }) receivedContainers!: number | null;
  @ApiProperty({ nullable: true, type: String }) receivedWasteCode!: string | null;
  @ApiProperty({ nullable: true, type: String }) decision!: string | null;
  @ApiProperty({ type: BaseQuantityDto, nullable: true }) accepted!: BaseQuantityDto | null;
  @ApiProperty({ nullable: true, type: String }) rejectionReason!: string | null;
  @ApiProperty({ nullable: true, type: String }) operationCode!: string | null;
  @ApiProperty({ type: BaseQuantityDto, nullable: true }) treated!: BaseQuantityDto | null;
  @ApiProperty({ nullable: true, type: String }) followUpManifestId!: string | null;

  static from(l: ManifestLine): ManifestLineResponseDto {
    return {
      lineNo: l.lineNo,
      lotId: l.lotId,
      wasteCode: l.wasteCode,
      declared: quantity(l.declaredQuantity, l.unit)!,
      declaredContainers: l.declaredContainers,
      hazard: l.hazard,
      physicalForm: l.physicalForm,
      packaging: l.packaging,
      unNumber: l.unNumber,
      dangerousGoodsClass: l.dangerousGoodsClass,
      received: quantity(l.receivedQuantity, l.unit),
      receivedContainers: l.receivedContainers,
      receivedWasteCode: l.receivedWasteCode,
      decision: l.decision,
      accepted: quantity(l.acceptedQuantity, l.unit),
      rejectionReason: l.rejectionReason,
      operationCode: l.operationCode,
      treated: quantity(l.treatedQuantity, l.unit),
      followUpManifestId: l.followUpManifestId,
    };
  }
}

export class ManifestStepResponseDto {
  @ApiProperty() seq!: number;
  @ApiProperty() action!: string;
  @ApiProperty() fromStatus!: string;
  @ApiProperty() toStatus!: string;
  @ApiProperty({ format: 'uuid' }) organisationId!: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) memberId!: string | null;
  @ApiProperty() occurredAt!: string;
  @ApiProperty() recordedAt!: string;
  @ApiProperty({ description: 'The canonical step payload (RFC 8785) that was signed', type: Object }) payload!: Record<
    string,
    unknown
  >;
  @ApiProperty({ description: 'SHA-256 of the canonical payload, also written into the lots’ custody events' })
  payloadHash!: string;
  @ApiProperty({ nullable: true, type: String }) deviceKeyId!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'Ed25519 signature (base64url), verified when recorded' })
  signature!: string | null;

  static from(s: ManifestStep): ManifestStepResponseDto {
    return {
      seq: s.seq,
      action: s.action,
      fromStatus: s.fromStatus,
      toStatus: s.toStatus,
      organisationId: s.organisationId,
      memberId: s.memberId,
      occurredAt: s.occurredAt.toISOString(),
      recordedAt: s.recordedAt.toISOString(),
      payload: s.payload,
      payloadHash: s.payloadHash,
      deviceKeyId: s.deviceKeyId,
      signature: s.signature,
    };
  }
}

export class ManifestResponseDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: '20263715000001', description: 'Year + sending city + serial (Art 15)' }) number!: string;
  @ApiProperty({ enum: MANIFEST_STATUSES }) status!: ManifestStatus;
  @ApiProperty({ format: 'uuid' }) consignorId!: string;
  @ApiProperty({ format: 'uuid' }) consigneeId!: string;
  @ApiProperty() plannedDate!: string;
  @ApiProperty() plannedOperation!: string;
  @ApiProperty() transportMode!: string;
  @ApiProperty({ nullable: true, type: String }) approvalRef!: string | null;
  @ApiProperty() emergencyMeasures!: string;
  @ApiProperty() medical!: boolean;
  @ApiProperty({ nullable: true, type: Number, description: 'Carrier (0-based) holding the waste' }) currentCarrier!:
    number | null;
  @ApiProperty({ nullable: true, type: String }) linkedManifestId!: string | null;
  @ApiProperty({ nullable: true, type: String }) linkKind!: string | null;
  @ApiProperty({ type: [ManifestCarrierResponseDto] }) carriers!: ManifestCarrierResponseDto[];
  @ApiProperty({ type: [ManifestLineResponseDto] }) lines!: ManifestLineResponseDto[];
  @ApiPropertyOptional({ type: [ManifestStepResponseDto] }) steps?: ManifestStepResponseDto[];
  @ApiProperty() createdAt!: string;
  @ApiProperty() updatedAt!: string;

  static from(
    m: Manifest,
    carriers: ManifestCarrier[],
    lines: ManifestLine[],
    steps?: ManifestStep[],
  ): ManifestResponseDto {
    return {
      id: m.id,
      number: m.number,
      status: m.status,
      consignorId: m.consignorId,
      consigneeId: m.consigneeId,
      plannedDate: m.plannedDate,
      plannedOperation: m.plannedOperation,
      transportMode: m.transportMode,
      approvalRef: m.approvalRef,
      emergencyMeasures: m.emergencyMeasures,
      medical: m.medical,
      currentCarrier: m.currentCarrier,
      linkedManifestId: m.linkedManifestId,
      linkKind: m.linkKind,
      carriers: carriers.map(ManifestCarrierResponseDto.from),
      lines: lines.map(ManifestLineResponseDto.from),
      ...(steps ? { steps: steps.map(ManifestStepResponseDto.from) } : {}),
      createdAt: m.createdAt.toISOString(),
      updatedAt: m.updatedAt.toISOString(),
    };
  }
}

export class ManifestSummaryDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() number!: string;
  @ApiProperty({ enum: MANIFEST_STATUSES }) status!: ManifestStatus;
  @ApiProperty({ format: 'uuid' }) consignorId!: string;
  @ApiProperty({ format: 'uuid' }) consigneeId!: string;
  @ApiProperty() plannedDate!: string;
  @ApiProperty() createdAt!: string;

  static from(m: Manifest): ManifestSummaryDto {
    return {
      id: m.id,
      number: m.number,
      status: m.status,
      consignorId: m.consignorId,
      consigneeId: m.consigneeId,
      plannedDate: m.plannedDate,
      createdAt: m.createdAt.toISOString(),
    };
  }
}

export class ManifestPageDto extends PageMetaDto {
  @ApiProperty({ type: [ManifestSummaryDto] }) items!: ManifestSummaryDto[];
}
