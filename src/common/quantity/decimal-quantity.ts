/**
 * Exact conversion of decimal quantities (as typed by people: "12.5" t) to integer base
 * units (grams), by string arithmetic: no binary floating point is ever involved, and a
 * value with more decimals than the unit allows is refused rather than rounded.
 */
export type MassUnit = 'g' | 'kg' | 't';

export const MASS_UNITS: readonly MassUnit[] = ['g', 'kg', 't'];

/** Decimal places of a unit that still name a whole gram. */
export const MASS_UNIT_DECIMALS: Record<MassUnit, number> = { g: 0, kg: 3, t: 6 };

/** Digits allowed before the decimal point (keeps every value far inside a signed bigint). */
const MAX_INTEGER_DIGITS = 12;

export type QuantityParse =
  { ok: true; grams: bigint } | { ok: false; reason: 'malformed' | 'too-precise' | 'too-large' };

/**
 * Parses a non-negative decimal given as a string ("1500", "0.000001") or a JSON number
 * (read through its shortest decimal form; exponent forms such as 1e21 are refused).
 */
export function parseMass(value: unknown, unit: MassUnit): QuantityParse {
  let text: string;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return { ok: false, reason: 'malformed' };
    text = String(value);
  } else if (typeof value === 'string') {
    text = value.trim();
  } else {
    return { ok: false, reason: 'malformed' };
  }
  const match = /^(\d+)(?:\.(\d+))?$/.exec(text);
  if (!match) return { ok: false, reason: 'malformed' };
  const whole = match[1].replace(/^0+(?=\d)/, '');
  const fraction = (match[2] ?? '').replace(/0+$/, '');
  const decimals = MASS_UNIT_DECIMALS[unit];
  if (fraction.length > decimals) return { ok: false, reason: 'too-precise' };
  if (whole.length > MAX_INTEGER_DIGITS) return { ok: false, reason: 'too-large' };
  return { ok: true, grams: BigInt(whole + fraction.padEnd(decimals, '0')) };
}

/**
 * The exact decimal text of an integer `amount` of 10^-decimals units, without trailing zeros:
 * (1234500, 6) → "1.2345". Every quantity the service writes goes through here.
 */
export function formatScaled(amount: bigint, decimals: number): string {
  const negative = amount < 0n;
  const digits = (negative ? -amount : amount).toString().padStart(decimals + 1, '0');
  const whole = digits.slice(0, digits.length - decimals);
  const fraction = digits.slice(digits.length - decimals).replace(/0+$/, '');
  return `${negative ? '-' : ''}${whole}${fraction ? `.${fraction}` : ''}`;
}

/** The exact decimal text of a gram amount in a unit, without trailing zeros: 1234500 g → "1.2345" t. */
export function formatMass(grams: bigint, unit: MassUnit): string {
  return formatScaled(grams, MASS_UNIT_DECIMALS[unit]);
}

export function describeQuantityError(reason: 'malformed' | 'too-precise' | 'too-large', unit: MassUnit): string {
  switch (reason) {
    case 'malformed':
      return `must be a non-negative decimal number of ${unit}`;
    case 'too-precise':
      return `must have at most ${MASS_UNIT_DECIMALS[unit]} decimal places in ${unit} (whole grams)`;
    case 'too-large':
      return `must have at most ${MAX_INTEGER_DIGITS} digits before the decimal point`;
  }
}
