import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'csv-parse/sync';
import {
  csvHeader,
  csvRow,
  ndjsonRow,
  REGISTER_COLUMNS,
  REGISTER_KINDS,
} from '../../src/registry/domain/register-columns';

describe('register columns', () => {
  it('every register has unique keys and a zh description for each', () => {
    for (const kind of REGISTER_KINDS) {
      const keys = REGISTER_COLUMNS[kind].map((c) => c.key);
      assert.equal(new Set(keys).size, keys.length, kind);
      assert.ok(REGISTER_COLUMNS[kind].every((c) => c.zh.length > 0));
    }
  });

  it('grams are written as exact kg, pieces as they are; dates are China dates', () => {
    const row = {
      organisation_name: '济南处置中心',
      organisation_code: '91370102MA3C0000X9',
      occurred_at: new Date('2024-06-30T17:30:00Z'),
      event: 'DISPOSED',
      operation_code: 'D10',
      unit: 'g',
      quantity: '12345',
      result: '=1+1, "焚烧"\n完成',
    };
    const [header, values] = parse(csvHeader('treated') + csvRow('treated', row)) as string[][];
    const get = (k: string) => values[header.indexOf(k)];
    assert.equal(get('quantity'), '12.345');
    assert.equal(get('unit'), 'kg');
    assert.equal(get('occurred_at'), '2024-06-30T17:30:00.000Z');
    assert.equal(get('occurred_date'), '2024-07-01');
    assert.equal(get('organisation_name'), '济南处置中心');
    assert.equal(get('result'), `'=1+1, "焚烧"\n完成`);
    assert.equal(get('manifest_number'), '');
    const json = JSON.parse(ndjsonRow('treated', { ...row, unit: 'pcs', quantity: '3' }));
    assert.equal(json.quantity, '3');
    assert.equal(json.unit, 'pcs');
    assert.equal(json.result, '=1+1, "焚烧"\n完成');
    assert.equal(json.manifest_number, null);
  });

  it('docs/audit.md lists exactly these columns, in order, for each register', () => {
    const doc = readFileSync(join(__dirname, '..', '..', '..', 'docs', 'audit.md'), 'utf8');
    for (const kind of REGISTER_KINDS) {
      const section = (doc.split(`#### ${kind}\n`)[1] ?? '').split(/\n#{2,4} /)[0];
      const keys = [...section.matchAll(/^\| `([a-z_]+)` +\|/gm)].map((m) => m[1]);
      assert.deepEqual(
        keys,
        REGISTER_COLUMNS[kind].map((c) => c.key),
        kind,
      );
    }
  });
});
