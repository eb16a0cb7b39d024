import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { copyTextField, CopyTextJsonLines, splitCopyLine } from '../../src/database/pg-copy';
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

describe('CopyTextJsonLines', () => {
  const jsonLine = (keys: string[], numeric: boolean[]) => {
    const lines = new CopyTextJsonLines(keys, numeric);
    return (text: string) => {
      const row = Buffer.from(text);
      const out = Buffer.alloc(lines.maxBytes(row.length) + 8, 0x7e);
      const end = lines.write(row, row.length, out, 4);
      assert.ok(end - 4 <= lines.maxBytes(row.length));
      assert.equal(out[end], 0x7e, 'nothing written past the end it returns');
      return out.toString('utf8', 4, end);
    };
  };
  // What PostgreSQL's COPY text output escapes; other control characters it writes raw.
  const pgEscapes: Record<string, string> = {
    '\\': '\\\\',
    '\b': '\\b',
    '\f': '\\f',
    '\n': '\\n',
    '\r': '\\r',
    '\t': '\\t',
    '\v': '\\v',
  };
  const pgCopyField = (v: string | null) => (v === null ? '\\N' : v.replace(/[\\\b\f\n\r\t\v]/g, (c) => pgEscapes[c]));
  const field = fc.option(
    fc.string({
      unit: fc.constantFrom(
        'a',
        'v',
        'N',
        '中',
        '"',
        '\\',
        '\n',
        '\r',
        '\t',
        '\v',
        '\b',
        '\f',
        '\x01',
        '\x1f',
        '\u007f',
      ),
    }),
    { nil: null },
  );

  it('reads back each field as COPY wrote it, as JSON strings or null (property)', () => {
    fc.assert(
      fc.property(fc.array(field, { minLength: 1, maxLength: 6 }), (fields) => {
        const keys = fields.map((_, i) => `k${i}`);
        const toJson = jsonLine(
          keys,
          keys.map(() => false),
        );
        for (const write of [pgCopyField, copyTextField]) {
          const line = toJson(fields.map(write).join('\t'));
          assert.ok(line.endsWith('}\n'));
          assert.deepEqual(JSON.parse(line), Object.fromEntries(keys.map((k, i) => [k, fields[i]])));
        }
      }),
    );
  });

  it('writes numeric fields as numbers and keeps the keys in order', () => {
    const toJson = jsonLine(['b', 'a', 'n'], [true, false, true]);
    assert.equal(toJson('12\t"x"\t\\N'), '{"b":12,"a":"\\"x\\"","n":null}\n');
  });
});
