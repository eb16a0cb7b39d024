import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { copyTextField, splitCopyLine } from '../../src/database/pg-copy';
import { isoTimestamp } from '../../src/transparency/tamper-audit';

describe('COPY text format helpers', () => {
  it('splitCopyLine reads back what copyTextField writes (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.option(fc.string({ unit: 'grapheme' }), { nil: null }), { minLength: 1, maxLength: 6 }),
        (fields) => {
          const line = fields.map((f) => copyTextField(f)).join('\t') + '\n';
          assert.deepEqual(splitCopyLine(line), fields);
        },
      ),
    );
  });
  it('splitCopyLine decodes the escapes PostgreSQL writes', () => {
    assert.deepEqual(splitCopyLine('a\\tb\t\\N\tc\\\\d\\ne\t\n'), ['a\tb', null, 'c\\d\ne', '']);
  });
  it('isoTimestamp turns PostgreSQL ISO output (UTC) into the ledger form', () => {
    assert.equal(isoTimestamp('2024-06-01 00:00:02.5+00'), '2024-06-01T00:00:02.500Z');
    assert.equal(isoTimestamp('2024-06-01 00:00:02+00'), '2024-06-01T00:00:02.000Z');
    assert.equal(isoTimestamp('2024-06-01 23:59:59.999+00'), '2024-06-01T23:59:59.999Z');
    assert.equal(isoTimestamp('0999-01-01 00:00:00.01+00'), '0999-01-01T00:00:00.010Z');
  });
});
