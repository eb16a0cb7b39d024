import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { before, describe, it } from 'node:test';
import { workedExample, type WorkedExample } from './worked-example';

/**
 * Keeps docs/ledger-merkle.md and docs/examples/ledger-merkle/ true: the worked example's values
 * are recomputed from the code and must appear verbatim. After a deliberate format change, run
 * `WRITE_LEDGER_EXAMPLES=1 node --test dist/test/unit/transparency/ledger-merkle-docs.test.js`
 * to rewrite the example files, then update the document by hand.
 */

const ROOT = resolve(__dirname, '..', '..', '..', '..');
const EXAMPLES = join(ROOT, 'docs', 'examples', 'ledger-merkle');
const DOC = join(ROOT, 'docs', 'ledger-merkle.md');
const CLI = join(ROOT, 'dist', 'scripts', 'verify-proof.js');

const has = (tool: string, args: string[]) => spawnSync(tool, args, { encoding: 'utf8' }).status === 0;

describe('docs/ledger-merkle.md worked example', () => {
  let ex: WorkedExample;
  let files: Record<string, string>;

  before(async () => {
    ex = await workedExample();
    const json = (v: unknown) => `${JSON.stringify(v, null, 2)}\n`;
    files = {
      'public-key.txt': `${ex.publicKey}\n`,
      'checkpoint-3.json': json(ex.checkpoint3),
      'checkpoint-5.json': json(ex.checkpoint5),
      'inclusion-3-in-5.json': json(ex.inclusion),
      'consistency-3-to-5.json': json(ex.consistency),
    };
    if (process.env.WRITE_LEDGER_EXAMPLES === '1') {
      for (const [name, text] of Object.entries(files)) writeFileSync(join(EXAMPLES, name), text);
    }
  });

  it('the example files are what the code produces', () => {
    for (const [name, text] of Object.entries(files)) {
      const committed = readFileSync(join(EXAMPLES, name), 'utf8');
      if (name.endsWith('.json')) assert.deepEqual(JSON.parse(committed), JSON.parse(text), name);
      else assert.equal(committed, text, name);
    }
  });

  it('every value quoted in the document is what the code produces', () => {
    const doc = readFileSync(DOC, 'utf8');
    const values = [
      ex.publicKey,
      ex.keyId,
      ex.leafBytes[3],
      ...ex.leafHashes,
      ex.checkpoint3.rootHash,
      ex.checkpoint5.rootHash,
      ex.checkpoint3.signature,
      ex.checkpoint5.signature,
      ...ex.inclusion.auditPath,
      ...ex.consistency.consistencyPath,
      ex.node2to4,
      ex.node0to4,
      ex.node2to4.slice(0, 8),
      ex.node0to4.slice(0, 8),
      ...ex.signedText5.split('\n').filter(Boolean),
      ...ex.signedText3.split('\n').filter(Boolean),
    ];
    for (const v of values) assert.ok(doc.includes(v), `docs/ledger-merkle.md should quote ${v}`);
  });

  it('the verifier accepts the example files, as the recipe says', () => {
    const key = ['--key-file', join(EXAMPLES, 'public-key.txt')];
    for (const [kind, name] of [
      ['checkpoint', 'checkpoint-3.json'],
      ['checkpoint', 'checkpoint-5.json'],
      ['inclusion', 'inclusion-3-in-5.json'],
      ['consistency', 'consistency-3-to-5.json'],
    ]) {
      const r = spawnSync(process.execPath, [CLI, kind, join(EXAMPLES, name), ...key], { encoding: 'utf8' });
      assert.equal(r.status, 0, `${kind} ${name}: ${r.stderr}`);
    }
  });

  const tools = has('openssl', ['version']) && has('xxd', ['-v']) && has('sha256sum', ['--version']);
  it(
    'the openssl/shell recipe verifies the example without any of our code',
    { skip: !tools && 'needs openssl, xxd, sha256sum' },
    () => {
      const script = join(EXAMPLES, 'verify-inclusion-openssl.sh');
      const ok = spawnSync('bash', [script], { encoding: 'utf8' });
      assert.equal(ok.status, 0, ok.stdout + ok.stderr);
      assert.match(ok.stdout, /signature: OK/);
      assert.match(ok.stdout, /inclusion: OK/);
      const tampered = ex.leafBytes[3].replace('"seq":3', '"seq":4');
      const bad = spawnSync('bash', [script], { encoding: 'utf8', env: { ...process.env, LEAF_JSON: tampered } });
      assert.equal(bad.status, 1);
      assert.match(bad.stdout, /inclusion: FAILED/);
    },
  );
});
