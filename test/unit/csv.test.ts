import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { csvField, csvRecord, UTF8_BOM } from '../../src/common/csv/csv';

describe('CSV (RFC 4180)', () => {
  it('quotes fields with commas, quotes, CR or LF and doubles the quotes', () => {
    assert.equal(csvField('plain'), 'plain');
    assert.equal(csvField('a,b'), '"a,b"');
    assert.equal(csvField('say "hi"'), '"say ""hi"""');
    assert.equal(csvField('line1\nline2'), '"line1\nline2"');
    assert.equal(csvField('cr\rlf'), '"cr\rlf"');
    assert.equal(csvField('聊城市，东昌府区'), '聊城市，东昌府区'); // a full-width comma is just text
    assert.equal(csvField(null), '');
    assert.equal(csvField(undefined), '');
    assert.equal(csvField(12n), '12');
    assert.equal(csvRecord(['a', 'b,c', null]), 'a,"b,c",\r\n');
  });

  it('neutralises spreadsheet formulas in free-text cells only', () => {
    assert.equal(csvField('=HYPERLINK("x")', { text: true }), `"'=HYPERLINK(""x"")"`);
    assert.equal(csvField('+1', { text: true }), "'+1");
    assert.equal(csvField('@SUM(A1)', { text: true }), "'@SUM(A1)");
    assert.equal(csvField('-5', { text: false }), '-5');
  });

  it('a standard parser reads back exactly what was written (Chinese text, commas, quotes, line breaks)', () => {
    const cell = fc
      .array(fc.constantFrom('a', 'Z', '1', ',', '"', '\n', '\r', '\r\n', ' ', '危', '废', '，', '“', '-', '='), {
        maxLength: 12,
      })
      .map((parts) => parts.join(''));
    fc.assert(
      fc.property(fc.array(fc.tuple(cell, cell, cell), { minLength: 1, maxLength: 6 }), (rows) => {
        const csv = UTF8_BOM + rows.map((r) => csvRecord(r)).join('');
        assert.ok(csv.startsWith('\uFEFF'));
        const back = parse(csv, { bom: true }) as string[][];
        assert.deepEqual(back, rows);
      }),
      { numRuns: 500 },
    );
  });
});
