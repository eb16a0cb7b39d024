import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { formatMass, parseMass } from '../../src/common/quantity/decimal-quantity';
import { addYears, chinaDate, chinaYearToDate, isCalendarDate } from '../../src/common/time/china-date';

const grams = (value: unknown, unit: 'g' | 'kg' | 't') => {
  const r = parseMass(value, unit);
  return r.ok ? r.grams : r.reason;
};

describe('exact mass conversion', () => {
  it('tonnes with up to 6 decimals become whole grams exactly', () => {
    assert.equal(grams('1234.567891', 't'), 1234567891n);
    assert.equal(grams('0.000001', 't'), 1n);
    assert.equal(grams('5000', 't'), 5_000_000_000n);
    assert.equal(grams('0.1', 't'), 100_000n);
    assert.equal(grams('1.50', 'kg'), 1500n);
    assert.equal(grams('007', 'g'), 7n);
  });
  it('JSON numbers are read through their decimal text, never through float arithmetic', () => {
    assert.equal(grams(0.1, 't'), 100_000n);
    assert.equal(grams(12.5, 't'), 12_500_000n);
    assert.equal(grams(0.3, 'kg'), 300n);
  });
  it('refuses more precision than a gram, rather than rounding', () => {
    assert.equal(grams('0.0000001', 't'), 'too-precise');
    assert.equal(grams('1.0005', 'kg'), 'too-precise');
    assert.equal(grams('1.5', 'g'), 'too-precise');
    assert.equal(grams('1.5000000', 't'), 1_500_000n, 'trailing zeros are not precision');
  });
  it('refuses what is not a non-negative decimal', () => {
    for (const bad of ['-1', '1e3', '', ' ', '1.', '.5', 'abc', '1,5', null, true, {}, [], NaN, Infinity, -2, 1e21]) {
      assert.equal(grams(bad, 't'), 'malformed', JSON.stringify(bad));
    }
    assert.equal(grams('1234567890123', 't'), 'too-large');
  });
  it('formats grams back exactly (round trip)', () => {
    assert.equal(formatMass(1234567891n, 't'), '1234.567891');
    assert.equal(formatMass(5_000_000_000n, 't'), '5000');
    assert.equal(formatMass(1n, 't'), '0.000001');
    assert.equal(formatMass(1500n, 'kg'), '1.5');
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 10n ** 12n - 1n }),
        fc.constantFrom('g' as const, 'kg' as const, 't' as const),
        (g, unit) => {
          assert.equal(grams(formatMass(g, unit), unit), g);
        },
      ),
    );
  });
});

describe('China dates', () => {
  it('the China date of an instant is UTC+8', () => {
    assert.equal(chinaDate(new Date('2026-12-31T15:59:59.999Z')), '2026-12-31');
    assert.equal(chinaDate(new Date('2026-12-31T16:00:00.000Z')), '2027-01-01');
  });
  it('calendar year to date runs from 1 January 00:00 China time to the end of the date', () => {
    const { from, to } = chinaYearToDate('2026-03-15');
    assert.equal(from.toISOString(), '2025-12-31T16:00:00.000Z');
    assert.equal(to.toISOString(), '2026-03-15T16:00:00.000Z');
  });
  it('validates real calendar dates only', () => {
    assert.ok(isCalendarDate('2024-02-29'));
    for (const bad of ['2025-02-29', '2026-13-01', '2026-1-1', '0000-01-01', '20260101', 5, null]) {
      assert.ok(!isCalendarDate(bad), String(bad));
    }
  });
  it('adds years, folding 29 February to 28 February', () => {
    assert.equal(addYears('2026-03-01', 5), '2031-03-01');
    assert.equal(addYears('2024-02-29', 5), '2029-02-28');
    assert.equal(addYears('2024-02-29', 4), '2028-02-29');
  });
});
