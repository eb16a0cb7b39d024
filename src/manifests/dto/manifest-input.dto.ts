import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { IsLedgerText, IsTimestamp, QuantityDto, QuantityProperty } from '../../lots/dto/validators';
import { LINE_DECISIONS } from '../entities/manifest-line.entity';
import { LINK_KINDS, TRANSPORT_MODES, type LinkKind, type TransportMode } from '../entities/manifest.entity';

export class CarrierInputDto {
  @ApiProperty({ format: 'uuid', description: 'A TRANSPORTER organisation' })
  @IsUUID()
  organisationId!: string;

  @ApiProperty({ example: '鲁P12345', maxLength: 20 })
  @IsLedgerText(20)
  vehiclePlate!: string;

  @ApiProperty({ description: '营运证件号 of the vehicle', example: '371502000123', maxLength: 60 })
  @IsLedgerText(60)
  operatingPermitNumber!: string;

  @ApiPropertyOptional({ maxLength: 200 }) @IsOptional() @IsLedgerText(200) startPoint?: string;
  @ApiPropertyOptional({ maxLength: 200 }) @IsOptional() @IsLedgerText(200) endPoint?: string;
}

export class ManifestLineInputDto {
  @ApiProperty({ format: 'uuid', description: 'A lot in the consignor’s custody, not on another open manifest' })
  @IsUUID()
  lotId!: string;

  @QuantityProperty('Declared quantity (weighed at handover), in the lot’s kind of unit')
  declared!: QuantityDto;

  @ApiPropertyOptional({ description: 'Number of containers; defaults to the lot’s', minimum: 1, maximum: 100000 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(100_000)
  containers?: number;

  @ApiPropertyOptional({ example: 'T,I', maxLength: 40 }) @IsOptional() @IsLedgerText(40) hazard?: string;
  @ApiPropertyOptional({ example: 'LIQUID', maxLength: 40 }) @IsOptional() @IsLedgerText(40) physicalForm?: string;
  @ApiPropertyOptional({ example: 'DRUM', maxLength: 80 }) @IsOptional() @IsLedgerText(80) packaging?: string;

  @ApiPropertyOptional({ example: 'UN1993' })
  @IsOptional()
  @IsString()
  @Matches(/^(UN)?\d{4}$/, { message: 'unNumber must be 4 digits, optionally prefixed UN' })
  unNumber?: string;

  @ApiPropertyOptional({ example: '3', description: 'Dangerous-goods class/division, e.g. 3, 6.1, 8' })
  @IsOptional()
  @IsString()
  @Matches(/^[1-9](\.[1-6])?$/, { message: 'dangerousGoodsClass must be a class or division such as 3 or 6.1' })
  dangerousGoodsClass?: string;
}

export class CreateManifestDto {
  @ApiProperty({ format: 'uuid', description: 'The receiving facility (接受人)' })
  @IsUUID()
  consigneeId!: string;

  @ApiProperty({ type: [CarrierInputDto], description: 'Carriers in order (联运: several legs)' })
  @ArrayMinSize(1)
  @ArrayMaxSize(10)
  @ValidateNested({ each: true })
  @Type(() => CarrierInputDto)
  carriers!: CarrierInputDto[];

  @ApiProperty({ type: [ManifestLineInputDto] })
  @ArrayMinSize(1)
  @ArrayMaxSize(200)
  @ValidateNested({ each: true })
  @Type(() => ManifestLineInputDto)
  lines!: ManifestLineInputDto[];

  @ApiProperty({ example: '2026-12-01', description: 'Planned transfer date (China time)' })
  @IsString()
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'plannedDate must be YYYY-MM-DD' })
  plannedDate!: string;

  @ApiProperty({
    example: 'D10',
    description:
      'What the consignee will do: a licence mode (UTILISATION, DISPOSAL, STORAGE, COLLECTION) or a method code (D10, R9, …)',
  })
  @IsString()
  @Matches(/^[A-Z][A-Z0-9_]{0,19}$/, {
    message: 'plannedOperation must be a mode or method code such as DISPOSAL or D10',
  })
  plannedOperation!: string;

  @ApiPropertyOptional({ enum: TRANSPORT_MODES, default: 'ROAD' })
  @IsOptional()
  @IsIn(TRANSPORT_MODES)
  transportMode?: TransportMode;

  @ApiPropertyOptional({
    description: 'Approval document (water transport of medical waste; cross-province approval)',
    maxLength: 120,
  })
  @IsOptional()
  @IsLedgerText(120)
  approvalRef?: string;

  @ApiProperty({ description: 'Emergency measures (应急措施)', maxLength: 2000 })
  @IsLedgerText(2000, { multiline: true })
  emergencyMeasures!: string;

  @ApiPropertyOptional({
    format: 'uuid',
    description: 'For a return or onward manifest: the manifest whose rejected waste it carries',
  })
  @IsOptional()
  @IsUUID()
  linkedManifestId?: string;

  @ApiPropertyOptional({ enum: LINK_KINDS })
  @IsOptional()
  @IsIn(LINK_KINDS)
  linkKind?: LinkKind;
}

export class StepSignatureDto {
  @ApiProperty({ format: 'uuid', description: 'The member’s registered device key' })
  @IsUUID()
  deviceKeyId!: string;

  @ApiProperty({
    description: 'Ed25519 signature (base64url, 86 chars) over the RFC 8785 step payload (docs/manifests.md)',
  })
  @IsString()
  @Matches(/^[A-Za-z0-9_-]{86}$/, { message: 'signature value must be 86 base64url characters' })
  value!: string;
}

export class StepDto {
  @ApiProperty({ description: 'When it happened (client time, ISO 8601 with zone)' })
  @IsTimestamp()
  occurredAt!: string;

  @ApiPropertyOptional({ maxLength: 200, description: 'Where it happened' })
  @IsOptional()
  @IsLedgerText(200)
  location?: string;

  @ApiPropertyOptional({ maxLength: 2000 })
  @IsOptional()
  @IsLedgerText(2000, { multiline: true })
  note?: string;

  @ApiPropertyOptional({ type: StepSignatureDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => StepSignatureDto)
  signature?: StepSignatureDto;
}

export class RelayStepDto extends StepDto {
  @ApiProperty({ maxLength: 200, description: 'Where the carriers met (Art 17)' })
  @IsLedgerText(200)
  declare location: string;
}

export class CancelStepDto extends StepDto {
  @ApiProperty({ maxLength: 2000 })
  @IsLedgerText(2000, { multiline: true })
  reason!: string;
}

export class ReceiveLineDto {
  @ApiProperty({ minimum: 1 }) @IsInt() @Min(1) @Max(200) lineNo!: number;

  @QuantityProperty('Weighed (or counted) quantity received')
  received!: QuantityDto;

  @ApiPropertyOptional({ minimum: 0 }) @IsOptional() @IsInt() @Min(0) @Max(100_000) receivedContainers?: number;

  @ApiPropertyOptional({ description: 'When the waste received is not what was declared', example: '900-249-08' })
  @IsOptional()
  @Matches(/^\d{3}-\d{3}-\d{2}$/, { message: 'receivedWasteCode must be NNN-NNN-NN' })
  receivedWasteCode?: string;

  @ApiProperty({ enum: LINE_DECISIONS })
  @IsIn(LINE_DECISIONS)
  decision!: (typeof LINE_DECISIONS)[number];

  @QuantityProperty('PARTIALLY_REJECTED only: the quantity accepted', { optional: true })
  accepted?: QuantityDto;

  @ApiPropertyOptional({ description: 'Required when rejecting (all or part)', maxLength: 2000 })
  @IsOptional()
  @IsLedgerText(2000, { multiline: true })
  reason?: string;
}

export class ReceiveStepDto extends StepDto {
  @ApiProperty({ type: [ReceiveLineDto], description: 'One entry per manifest line' })
  @ArrayMinSize(1)
  @ArrayMaxSize(200)
  @ValidateNested({ each: true })
  @Type(() => ReceiveLineDto)
  lines!: ReceiveLineDto[];
}

export class CompleteLineDto {
  @ApiProperty({ minimum: 1 }) @IsInt() @Min(1) @Max(200) lineNo!: number;

  @ApiProperty({
    example: 'D10',
    description:
      'Utilisation or disposal method code (GET /v1/catalogue/operation-codes: CN_HW_METHOD such as D10, R9, Y10, or EU_WFD)',
  })
  @IsString()
  @Matches(/^[A-Z]{1,2}\d{1,2}$/, { message: 'operationCode must be a method code such as D10, R9 or Y10' })
  operationCode!: string;

  @QuantityProperty('Quantity treated or disposed of (at most the accepted quantity)')
  treated!: QuantityDto;
}

export class CompleteStepDto extends StepDto {
  @ApiProperty({ type: [CompleteLineDto], description: 'One entry per accepted line' })
  @ArrayMinSize(1)
  @ArrayMaxSize(200)
  @ValidateNested({ each: true })
  @Type(() => CompleteLineDto)
  lines!: CompleteLineDto[];
}
