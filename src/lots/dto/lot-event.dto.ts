import { Injectable, type PipeTransform } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, getSchemaPath } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsEnum,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { createValidationPipe } from '../../common/http/validation';
import { RuleViolationError, ValidationFailedError, type FieldError } from '../../common/problem/domain-errors';
import { EventType, MANIFEST_EVENT_TYPES, QuantityMethod } from '../../ledger/domain/ledger-types';
import { PackagingType, StorageLocationType } from '../domain/lot-attributes';
import { LOT_EVENT_TYPES, OPERATION_CODE, type LotEventType } from '../domain/lot-rules';
import { MAX_CONTAINERS } from './create-lot.dto';
import { IsLedgerText, IsTimestamp, QuantityDto, QuantityProperty } from './validators';

/** Fields every recorded event carries. */
export abstract class LotEventBaseDto {
  abstract type: LotEventType;

  @ApiProperty({ description: 'When it happened (client time, ISO 8601 with zone)' })
  @IsTimestamp()
  occurredAt!: string;

  @ApiProperty({ description: 'Handler (经办人)', example: '张三', maxLength: 100 })
  @IsLedgerText(100)
  handlerName!: string;

  @ApiPropertyOptional({ maxLength: 2000 })
  @IsOptional()
  @IsLedgerText(2000, { multiline: true })
  notes?: string;
}

export class StorageLocationDto {
  @ApiProperty({ description: 'Storage facility code (贮存设施编码)', example: 'ZC-01', maxLength: 64 })
  @IsLedgerText(64)
  code!: string;

  @ApiProperty({ enum: StorageLocationType })
  @IsEnum(StorageLocationType)
  type!: StorageLocationType;

  @ApiPropertyOptional({ maxLength: 200 })
  @IsOptional()
  @IsLedgerText(200)
  name?: string;
}

export class StoredEventDto extends LotEventBaseDto {
  @ApiProperty({ enum: [EventType.STORED] })
  @IsIn([EventType.STORED])
  type!: EventType.STORED;

  @ApiProperty({ type: StorageLocationDto })
  @IsObject()
  @ValidateNested()
  @Type(() => StorageLocationDto)
  location!: StorageLocationDto;

  @ApiPropertyOptional({ description: 'Into-storage batch code, e.g. HWRK20261128001', maxLength: 40 })
  @IsOptional()
  @IsLedgerText(40)
  batchCode?: string;
}

export class RetrievedEventDto extends LotEventBaseDto {
  @ApiProperty({ enum: [EventType.RETRIEVED] })
  @IsIn([EventType.RETRIEVED])
  type!: EventType.RETRIEVED;

  @ApiPropertyOptional({ description: 'Out-of-storage batch code, e.g. HWCK20261128001', maxLength: 40 })
  @IsOptional()
  @IsLedgerText(40)
  batchCode?: string;

  @ApiPropertyOptional({ description: 'Where it goes next (去向)', maxLength: 200 })
  @IsOptional()
  @IsLedgerText(200)
  destination?: string;
}

export class PackagedEventDto extends LotEventBaseDto {
  @ApiProperty({ enum: [EventType.PACKAGED] })
  @IsIn([EventType.PACKAGED])
  type!: EventType.PACKAGED;

  @ApiProperty({ enum: PackagingType })
  @IsEnum(PackagingType)
  packagingType!: PackagingType;

  @ApiProperty({ minimum: 1, maximum: MAX_CONTAINERS })
  @IsInt()
  @Min(1)
  @Max(MAX_CONTAINERS)
  containerCount!: number;
}

export class RelabelledEventDto extends LotEventBaseDto {
  @ApiProperty({ enum: [EventType.RELABELLED] })
  @IsIn([EventType.RELABELLED])
  type!: EventType.RELABELLED;

  @ApiProperty({ description: 'The new HJ 1276 digital ID (37 characters)' })
  @IsString()
  labelCode!: string;
}

export class TreatedEventDto extends LotEventBaseDto {
  @ApiProperty({ enum: [EventType.TREATED] })
  @IsIn([EventType.TREATED])
  type!: EventType.TREATED;

  @ApiProperty({ description: 'Utilisation or disposal operation code', example: 'R4', pattern: OPERATION_CODE.source })
  @IsString()
  @Matches(OPERATION_CODE, { message: 'operationCode must be R, D or C followed by 1–99, e.g. R4 or D10' })
  operationCode!: string;

  @ApiPropertyOptional({ description: 'Treatment facility code', maxLength: 64 })
  @IsOptional()
  @IsLedgerText(64)
  facilityCode?: string;

  @ApiPropertyOptional({ description: 'What the treatment produced or achieved', maxLength: 2000 })
  @IsOptional()
  @IsLedgerText(2000, { multiline: true })
  result?: string;
}

export class DisposedEventDto extends LotEventBaseDto {
  @ApiProperty({ enum: [EventType.DISPOSED] })
  @IsIn([EventType.DISPOSED])
  type!: EventType.DISPOSED;

  @ApiProperty({
    description: 'Disposal or utilisation operation code',
    example: 'D10',
    pattern: OPERATION_CODE.source,
  })
  @IsString()
  @Matches(OPERATION_CODE, { message: 'operationCode must be R, D or C followed by 1–99, e.g. R4 or D10' })
  operationCode!: string;

  @ApiPropertyOptional({ description: 'Disposal facility code', maxLength: 64 })
  @IsOptional()
  @IsLedgerText(64)
  facilityCode?: string;

  @ApiPropertyOptional({ maxLength: 2000 })
  @IsOptional()
  @IsLedgerText(2000, { multiline: true })
  result?: string;
}

export class CorrectedEventRefDto {
  @ApiProperty({ description: 'seq of the event being corrected (of this lot)', minimum: 1 })
  @IsInt()
  @Min(1)
  @Max(2_147_483_647)
  seq!: number;
}

export class CorrectionChangeDto {
  @ApiProperty({ description: 'Name of the corrected field in the original event', example: 'handlerName' })
  @IsString()
  @Matches(/^[A-Za-z][A-Za-z0-9.]{0,63}$/, { message: 'field must be a field name such as handlerName' })
  field!: string;

  @ApiProperty({ nullable: true, type: String, description: 'Its correct value (null: it should have been empty)' })
  @ValidateIf((_, value) => value !== null)
  @IsLedgerText(2000, { multiline: true })
  value!: string | null;
}

export class CorrectedEventDto extends LotEventBaseDto {
  @ApiProperty({ enum: [EventType.CORRECTED] })
  @IsIn([EventType.CORRECTED])
  type!: EventType.CORRECTED;

  @ApiProperty({ type: CorrectedEventRefDto })
  @IsObject()
  @ValidateNested()
  @Type(() => CorrectedEventRefDto)
  corrects!: CorrectedEventRefDto;

  @ApiProperty({ description: 'Why the original was wrong', maxLength: 2000 })
  @IsLedgerText(2000, { multiline: true })
  reason!: string;

  @ApiPropertyOptional({ type: [CorrectionChangeDto], maxItems: 50 })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => CorrectionChangeDto)
  changes?: CorrectionChangeDto[];

  @QuantityProperty("The lot's correct quantity (updates the lot; same kind of unit)", { optional: true })
  quantity?: QuantityDto;

  @ApiPropertyOptional({ enum: QuantityMethod, description: 'With quantity: weighed or estimated' })
  @IsOptional()
  @IsEnum(QuantityMethod)
  quantityMethod?: QuantityMethod;
}

export type LotEventDto =
  | StoredEventDto
  | RetrievedEventDto
  | PackagedEventDto
  | RelabelledEventDto
  | TreatedEventDto
  | DisposedEventDto
  | CorrectedEventDto;

const DTO_OF: Record<LotEventType, new () => LotEventDto> = {
  [EventType.STORED]: StoredEventDto,
  [EventType.RETRIEVED]: RetrievedEventDto,
  [EventType.PACKAGED]: PackagedEventDto,
  [EventType.RELABELLED]: RelabelledEventDto,
  [EventType.TREATED]: TreatedEventDto,
  [EventType.DISPOSED]: DisposedEventDto,
  [EventType.CORRECTED]: CorrectedEventDto,
};

export const LOT_EVENT_DTOS = Object.values(DTO_OF);

/** OpenAPI: the body is one of the event types, chosen by `type`. */
export const LOT_EVENT_BODY_SCHEMA = {
  oneOf: LOT_EVENT_DTOS.map((dto) => ({ $ref: getSchemaPath(dto) })),
  discriminator: {
    propertyName: 'type',
    mapping: Object.fromEntries(Object.entries(DTO_OF).map(([type, dto]) => [type, getSchemaPath(dto)])),
  },
};

/**
 * Validates POST /v1/lots/{id}/events against the DTO of its `type` with the same options as
 * the global pipe (which cannot pick a class by a field's value).
 */
@Injectable()
export class LotEventBodyPipe implements PipeTransform<unknown, Promise<LotEventDto>> {
  private readonly pipe = createValidationPipe();

  transform(value: unknown): Promise<LotEventDto> {
    return validateLotEvent(this.pipe, value);
  }
}

/** The most events one batch request may carry. */
export const MAX_BATCH_EVENTS = 200;

/** One event of a batch: the lot it is recorded on, and the event as POST /v1/lots/{id}/events takes it. */
export interface LotEventBatchItem {
  lotId: string;
  event: LotEventDto;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** OpenAPI: `{ events: [ { lotId, …one of the event types… } ] }`. */
export const LOT_EVENT_BATCH_BODY_SCHEMA = {
  type: 'object',
  required: ['events'],
  additionalProperties: false,
  properties: {
    events: {
      type: 'array',
      minItems: 1,
      maxItems: MAX_BATCH_EVENTS,
      description: 'Events in the order they are recorded; several may name the same lot (applied in this order)',
      items: {
        allOf: [
          {
            type: 'object',
            required: ['lotId'],
            properties: { lotId: { type: 'string', format: 'uuid', description: 'The lot the event is recorded on' } },
          },
          LOT_EVENT_BODY_SCHEMA,
        ],
      },
    },
  },
};

/**
 * Validates POST /v1/lots/events/batch: `{ events: [...] }`, 1–MAX_BATCH_EVENTS items, each a
 * `lotId` (UUID) plus an event exactly as POST /v1/lots/{id}/events takes it. Field errors of
 * every item are reported together, named `events[i].<field>`.
 */
@Injectable()
export class LotEventBatchPipe implements PipeTransform<unknown, Promise<LotEventBatchItem[]>> {
  private readonly pipe = createValidationPipe();

  async transform(value: unknown): Promise<LotEventBatchItem[]> {
    if (!isObject(value)) throw bodyError('body', 'must be a JSON object');
    for (const key of Object.keys(value)) {
      if (key !== 'events') throw bodyError(key, `property ${key} should not exist`);
    }
    const events = value.events;
    if (!Array.isArray(events) || events.length === 0 || events.length > MAX_BATCH_EVENTS) {
      throw bodyError('events', `must be an array of 1 to ${MAX_BATCH_EVENTS} events`);
    }
    const items: LotEventBatchItem[] = [];
    const errors: FieldError[] = [];
    for (let i = 0; i < events.length; i++) {
      const at = `events[${i}]`;
      const item: unknown = events[i];
      if (!isObject(item)) {
        errors.push({ field: at, message: `${at} must be a JSON object` });
        continue;
      }
      const { lotId, ...event } = item;
      if (typeof lotId !== 'string' || !UUID.test(lotId)) {
        errors.push({ field: `${at}.lotId`, message: `${at}.lotId must be a UUID`, code: 'isUuid' });
      }
      try {
        const dto = await validateLotEvent(this.pipe, event);
        if (typeof lotId === 'string') items.push({ lotId: lotId.toLowerCase(), event: dto });
      } catch (error) {
        if (error instanceof ValidationFailedError) {
          const fields = error.errors.length > 0 ? error.errors : [{ field: 'body', message: error.message }];
          errors.push(
            ...fields.map((e) => ({
              ...e,
              field: e.field === 'body' ? at : `${at}.${e.field}`,
              message: `${at}: ${e.message}`,
            })),
          );
        } else if (error instanceof RuleViolationError) {
          throw new RuleViolationError(error.code, `${at}: ${error.message}`, { ...error.extensions, index: i });
        } else {
          throw error;
        }
      }
    }
    if (errors.length > 0) {
      throw new ValidationFailedError(`The request is invalid: ${errors.map((e) => e.message).join('; ')}`, errors);
    }
    return items;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function bodyError(field: string, message: string): ValidationFailedError {
  return new ValidationFailedError(`The request is invalid: ${message}`, [{ field, message }]);
}

/** One lots-API event: chosen by `type`, validated against its DTO. */
async function validateLotEvent(pipe: ReturnType<typeof createValidationPipe>, value: unknown): Promise<LotEventDto> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ValidationFailedError('The request body must be a JSON object', [
      { field: 'body', message: 'must be a JSON object' },
    ]);
  }
  const type = (value as { type?: unknown }).type;
  if (typeof type === 'string' && MANIFEST_EVENT_TYPES.has(type as EventType)) {
    throw new RuleViolationError('manifest-event-type', `${type} events are recorded through manifests`);
  }
  if (typeof type !== 'string' || !(LOT_EVENT_TYPES as readonly string[]).includes(type)) {
    const hint = type === EventType.GENERATED ? ' (a lot starts with POST /v1/lots)' : '';
    throw new ValidationFailedError(`type must be one of ${LOT_EVENT_TYPES.join(', ')}${hint}`, [
      { field: 'type', message: `must be one of ${LOT_EVENT_TYPES.join(', ')}${hint}`, code: 'isIn' },
    ]);
  }
  return (await pipe.transform(value, { type: 'body', metatype: DTO_OF[type as LotEventType] })) as LotEventDto;
}
