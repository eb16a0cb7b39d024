import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { REGISTER_COLUMNS, REGISTER_KINDS } from '../../src/registry/domain/register-columns';

describe('register columns', () => {
  it('every register has unique keys and a zh description for each', () => {
    for (const kind of REGISTER_KINDS) {
      const keys = REGISTER_COLUMNS[kind].map((c) => c.key);
      assert.equal(new Set(keys).size, keys.length, kind);
      assert.ok(REGISTER_COLUMNS[kind].every((c) => c.zh.length > 0));
    }
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
