import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, type ApiPropertyOptions } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsIn,
  IsObject,
  IsOptional,
  IsString,
  MaxLength,
  ValidateBy,
  ValidateNested,
  type ValidationOptions,
} from 'class-validator';
import { textProblem } from '../../ledger/domain/event-hash';
import { parseTimestamp } from '../../ledger/domain/ledger-time';
import { QUANTITY_UNITS, type QuantityUnit } from '../../ledger/domain/quantity';

const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;
const LINE_BREAK_OR_TAB = /[\t\n\r]/;

/**
 * Text stored in the ledger: a string of `min`–`max` characters, well-formed Unicode, no
 * control characters (line breaks and tabs only where `multiline`), not blank.
 */
export function IsLedgerText(max: number, options: { multiline?: boolean } = {}, validation?: ValidationOptions) {
  return applyDecorators(
    IsString(validation),
    MaxLength(max, validation),
    ValidateBy(
      {
        name: 'isLedgerText',
        validator: {
          validate: (value: unknown) =>
            typeof value === 'string' &&
            value.trim().length > 0 &&
            textProblem(value) === null &&
            !CONTROL.test(value) &&
            (options.multiline || !LINE_BREAK_OR_TAB.test(value)),
          defaultMessage: (args) =>
            `${args?.property} must be non-blank text without control characters${options.multiline ? '' : ' or line breaks'}`,
        },
      },
      validation,
    ),
  );
}

/** An ISO 8601 timestamp with a zone (Z or ±hh:mm), between 1970 and 9999. */
export function IsTimestamp(validation?: ValidationOptions) {
  return ValidateBy(
    {
      name: 'isTimestamp',
      validator: {
        validate: (value: unknown) => parseTimestamp(value) !== null,
        defaultMessage: (args) =>
          `${args?.property} must be an ISO 8601 time with a zone, e.g. 2026-11-28T09:30:00+08:00`,
      },
    },
    validation,
  );
}

/** A quantity as the API takes it: a decimal string and a unit. */
export class QuantityDto {
  @ApiProperty({
    description: 'Decimal string (no floats): at most gram precision for mass, whole pieces for pcs',
    example: '12.345',
  })
  @IsString()
  @MaxLength(64)
  value!: string;

  @ApiProperty({ enum: QUANTITY_UNITS, example: 'kg' })
  @IsIn(QUANTITY_UNITS)
  unit!: QuantityUnit;
}

/** A nested, required quantity property. */
export function QuantityProperty(description: string, options: { optional?: boolean } = {}) {
  const doc: ApiPropertyOptions = { type: QuantityDto, description };
  return applyDecorators(
    options.optional ? ApiPropertyOptional(doc) : ApiProperty(doc),
    ...(options.optional ? [IsOptional()] : []),
    IsObject(),
    ValidateNested(),
    Type(() => QuantityDto),
  );
}
