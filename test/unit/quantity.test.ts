import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { BaseUnit } from '../../src/ledger/domain/ledger-types';
import { formatBaseUnits, MAX_BASE_AMOUNT, QuantityError, toBaseUnits } from '../../src/ledger/domain/quantity';

const problemOf = (value: unknown, unit: unknown) => {
  try {
    toBaseUnits(value, unit);
    return null;
  } catch (error) {
    assert.ok(error instanceof QuantityError);
    return error.problem;
  }
};

describe('quantity conversion (exact, no floats)', () => {
  it('kg, t and g convert to grams exactly', () => {
    assert.deepEqual(toBaseUnits('12.345', 'kg'), { amount: 12_345n, unit: BaseUnit.GRAM });
    assert.deepEqual(toBaseUnits('1.5', 't'), { amount: 1_500_000n, unit: BaseUnit.GRAM });
    assert.deepEqual(toBaseUnits('0.000001', 't'), { amount: 1n, unit: BaseUnit.GRAM });
    assert.deepEqual(toBaseUnits('0.001', 'kg'), { amount: 1n, unit: BaseUnit.GRAM });
    assert.deepEqual(toBaseUnits('250', 'g'), { amount: 250n, unit: BaseUnit.GRAM });
    assert.deepEqual(toBaseUnits('3', 'pcs'), { amount: 3n, unit: BaseUnit.PIECE });
  });
  it('values floats get wrong are exact: 0.1 + 0.2 kg style inputs', () => {
    assert.equal(toBaseUnits('0.3', 'kg').amount, 300n);
    assert.equal(toBaseUnits('1.005', 'kg').amount, 1005n); // 1.005 * 1000 = 1004.9999999999999 in floating point
    assert.equal(toBaseUnits('4.35', 't').amount, 4_350_000n); // 4.35 * 1e6 = 4349999.999999999
    assert.equal(toBaseUnits('999999999.999999', 't').amount, 999_999_999_999_999n); // 15 significant digits
  });
  it('trailing zeros beyond the base unit are not extra precision', () => {
    assert.equal(toBaseUnits('1.2340', 'kg').amount, 1234n);
    assert.equal(toBaseUnits('7.000', 'pcs').amount, 7n);
    assert.equal(toBaseUnits('0012', 'g').amount, 12n);
  });
  it('refuses more precision than a gram, or than a piece', () => {
    assert.equal(problemOf('1.2345', 'kg'), 'too-precise');
    assert.equal(problemOf('0.0000001', 't'), 'too-precise');
    assert.equal(problemOf('12.5', 'g'), 'too-precise');
    assert.equal(problemOf('1.5', 'pcs'), 'too-precise');
    assert.throws(() => toBaseUnits('1.2345', 'kg'), /more precise than one gram/);
    assert.throws(() => toBaseUnits('1.5', 'pcs'), /more precise than one piece/);
  });
  it('refuses malformed decimals', () => {
    for (const value of [
      '',
      '.5',
      '5.',
      '-1',
      '+1',
      '1e3',
      '1,5',
      ' 1',
      '1 ',
      '0x10',
      'NaN',
      'Infinity',
      '１２',
      '1.2.3',
    ]) {
      assert.equal(problemOf(value, 'kg'), 'malformed', value);
    }
    for (const value of [1.5, 12, null, undefined, {}, ['1']]) assert.equal(problemOf(value, 'kg'), 'malformed');
  });
  it('refuses unknown units, case-sensitively', () => {
    for (const unit of ['KG', 'lb', 'tonne', '', null, 1]) assert.equal(problemOf('1', unit), 'unknown-unit');
  });
  it('refuses zero and absurd quantities', () => {
    assert.equal(problemOf('0', 'kg'), 'not-positive');
    assert.equal(problemOf('0.000', 't'), 'not-positive');
    assert.equal(toBaseUnits('1000000000', 't').amount, MAX_BASE_AMOUNT);
    assert.equal(problemOf('1000000000.000001', 't'), 'too-large');
    assert.equal(problemOf('9'.repeat(30), 'g'), 'too-large');
  });
  it('formats base units back without floating point', () => {
    assert.equal(formatBaseUnits(12_345n, 'kg'), '12.345');
    assert.equal(formatBaseUnits(12_000n, 'kg'), '12');
    assert.equal(formatBaseUnits(1n, 't'), '0.000001');
    assert.equal(formatBaseUnits(7n, 'pcs'), '7');
    assert.equal(formatBaseUnits(-1500n, 'kg'), '-1.5');
  });
  it('property: format then parse is the identity for every unit', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 1n, max: MAX_BASE_AMOUNT }),
        fc.constantFrom('g', 'kg', 't') as fc.Arbitrary<'g' | 'kg' | 't'>,
        (amount, unit) => {
          assert.equal(toBaseUnits(formatBaseUnits(amount, unit), unit).amount, amount);
        },
      ),
    );
  });
});
