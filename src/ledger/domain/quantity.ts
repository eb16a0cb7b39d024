import { formatScaled } from '../../common/quantity/decimal-quantity';
import { BaseUnit } from './ledger-types';

/**
 * Quantities of lots and events: strictly positive decimal strings in g, kg, t or pcs, converted
 * exactly to integer base units (grams or pieces). The digit arithmetic for writing them back is
 * common/quantity's `formatScaled`; common/quantity's `parseMass` is the laxer reader of masses
 * in other documents (permit capacities: zero allowed, JSON numbers read through their decimal form).
 */

/** Units the API accepts. Mass converts to grams, pieces stay pieces. */
export const QUANTITY_UNITS = ['g', 'kg', 't', 'pcs'] as const;
export type QuantityUnit = (typeof QUANTITY_UNITS)[number];

/** Decimal digits each unit carries over its base unit (10^n base units per unit). */
const SCALE: Record<QuantityUnit, number> = { g: 0, kg: 3, t: 6, pcs: 0 };
const BASE: Record<QuantityUnit, BaseUnit> = {
  g: BaseUnit.GRAM,
  kg: BaseUnit.GRAM,
  t: BaseUnit.GRAM,
  pcs: BaseUnit.PIECE,
};

/** 10^15 g = one billion tonnes: far above any lot, far below the bigint column's limit. */
export const MAX_BASE_AMOUNT = 10n ** 15n;

const DECIMAL = /^(\d{1,30})(?:\.(\d{1,30}))?$/;

export type QuantityProblem = 'malformed' | 'unknown-unit' | 'too-precise' | 'not-positive' | 'too-large';

export class QuantityError extends Error {
  constructor(
    readonly problem: QuantityProblem,
    message: string,
  ) {
    super(message);
  }
}

export interface BaseQuantity {
  amount: bigint;
  unit: BaseUnit;
}

export const isQuantityUnit = (unit: unknown): unit is QuantityUnit =>
  typeof unit === 'string' && (QUANTITY_UNITS as readonly string[]).includes(unit);

/**
 * Converts a decimal string in g, kg, t or pcs to an integer number of base units, exactly
 * (string arithmetic, no floating point). More precision than the base unit is refused unless
 * the extra digits are zeros ("1.2340 kg" is 1234 g; "1.2345 kg" is refused).
 */
export function toBaseUnits(value: unknown, unit: unknown): BaseQuantity {
  if (!isQuantityUnit(unit)) {
    throw new QuantityError('unknown-unit', `unit must be one of ${QUANTITY_UNITS.join(', ')}`);
  }
  const match = typeof value === 'string' ? DECIMAL.exec(value) : null;
  if (!match) {
    throw new QuantityError(
      'malformed',
      'value must be a decimal string such as "12.345" (digits, one optional point; no sign, exponent or separators)',
    );
  }
  const [, whole, fraction = ''] = match;
  const scale = SCALE[unit];
  if (/[1-9]/.test(fraction.slice(scale))) {
    const base = BASE[unit] === BaseUnit.GRAM ? 'one gram' : 'one piece';
    throw new QuantityError('too-precise', `${value} ${unit} is more precise than ${base}`);
  }
  const amount = BigInt(whole + fraction.slice(0, scale).padEnd(scale, '0'));
  if (amount <= 0n) throw new QuantityError('not-positive', 'quantity must be greater than zero');
  if (amount > MAX_BASE_AMOUNT) {
    throw new QuantityError('too-large', `quantity must not exceed ${formatBaseUnits(MAX_BASE_AMOUNT, 't')} t`);
  }
  return { amount, unit: BASE[unit] };
}

/** Renders base units in a unit of the same kind: 12345 g as kg → "12.345" (no trailing zeros). */
export function formatBaseUnits(amount: bigint, unit: QuantityUnit): string {
  return formatScaled(amount, SCALE[unit]);
}

export const baseUnitOf = (unit: QuantityUnit): BaseUnit => BASE[unit];

/** Exact sum of integer base amounts. */
export const sumAmounts = (amounts: readonly bigint[]): bigint => amounts.reduce((a, b) => a + b, 0n);
