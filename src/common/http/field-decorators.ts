import { ValidateBy, type ValidationOptions } from 'class-validator';
import { describeQuantityError, parseMass, type MassUnit } from '../quantity/decimal-quantity';
import { isCalendarDate } from '../time/china-date';
import { isPeriodBound } from '../time/report-period';

/** Control characters (NUL and friends) never belong in names, numbers, reasons or addresses. */
const CONTROL = /[\u0000-\u001f\u007f]/;

/** A string with visible content and no control characters. Pair with @IsString and @MaxLength. */
export const IsPlainText = (options?: ValidationOptions) =>
  ValidateBy(
    {
      name: 'isPlainText',
      validator: {
        validate: (value: unknown) => typeof value === 'string' && value.trim().length > 0 && !CONTROL.test(value),
        defaultMessage: (args) => `${args?.property} must be non-blank text without control characters`,
      },
    },
    options,
  );

/** A real calendar date written YYYY-MM-DD (1900–2999). */
export const IsCalendarDate = (options?: ValidationOptions) =>
  ValidateBy(
    {
      name: 'isCalendarDate',
      validator: {
        validate: (value: unknown) => isCalendarDate(value),
        defaultMessage: (args) => `${args?.property} must be a calendar date YYYY-MM-DD`,
      },
    },
    options,
  );

/**
 * A non-negative decimal quantity in `unit`, as a string or a JSON number, convertible to
 * whole grams without rounding.
 */
export const IsMassQuantity = (unit: MassUnit, options?: ValidationOptions) =>
  ValidateBy(
    {
      name: 'isMassQuantity',
      constraints: [unit],
      validator: {
        validate: (value: unknown) => parseMass(value, unit).ok,
        defaultMessage: (args) => {
          const parsed = parseMass(args?.value, unit);
          return `${args?.property} ${parsed.ok ? 'is invalid' : describeQuantityError(parsed.reason, unit)}`;
        },
      },
    },
    options,
  );

/** A reporting-period bound: a China calendar date YYYY-MM-DD, or an ISO 8601 instant with a zone. */
export const IsPeriodBound = (options?: ValidationOptions) =>
  ValidateBy(
    {
      name: 'isPeriodBound',
      validator: {
        validate: (value: unknown) => isPeriodBound(value),
        defaultMessage: (args) =>
          `${args?.property} must be a date YYYY-MM-DD (China time) or an ISO 8601 time with a zone`,
      },
    },
    options,
  );
