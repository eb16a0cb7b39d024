import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  exportPublicKey,
  generateSigningKey,
  signCheckpoint,
  type SignedCheckpoint,
} from '../../../src/transparency/domain/checkpoint';
import { consistencyProof, hashToHex, inclusionProof } from '../../../src/transparency/domain/merkle';
import { MerkleFrontier } from '../../../src/transparency/domain/merkle-frontier';
import {
  consistencyProofJson,
  inclusionProofJson,
  type ConsistencyProofJson,
  type InclusionProofJson,
} from '../../../src/transparency/domain/proof-bundle';
import { buildLog, type LogFixture } from './worked-example';

const DIST = resolve(__dirname, '..', '..', '..');
const CLI = join(DIST, 'scripts', 'verify-proof.js');

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}
function run(args: string[], input?: string): Run {
  const r = spawnSync(process.execPath, [CLI, ...args], { input, encoding: 'utf8', timeout: 20_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

describe('verify-proof CLI (node dist/scripts/verify-proof.js)', () => {
  const key = generateSigningKey();
  const rotated = generateSigningKey();
  let dir: string;
  let log: LogFixture;
  let cp13: SignedCheckpoint;
  let cp20: SignedCheckpoint;
  let cp20rotated: SignedCheckpoint;
  let inclusion: InclusionProofJson;
  let consistency: ConsistencyProofJson;
  const file = (name: string, value: unknown): string => {
    const path = join(dir, name);
    writeFileSync(path, typeof value === 'string' ? value : JSON.stringify(value, null, 2));
    return path;
  };
  const k = (pub = key.publicKeyRaw) => ['--key', pub];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'verify-proof-'));
    log = buildLog(20);
    const sign = (size: number, issuedAt: string, signer = key) =>
      signCheckpoint(signer.privateKey, {
        treeSize: size,
        rootHash: hashToHex(log.frontiers[size].root()),
        issuedAt,
      });
    cp13 = sign(13, '2025-02-01T00:00:00.000Z');
    cp20 = sign(20, '2025-02-01T01:00:00.000Z');
    cp20rotated = sign(20, '2025-02-01T01:00:00.000Z', rotated);
    inclusion = inclusionProofJson({
      leaf: log.leaves[9],
      leafHash: log.leafHashes[9],
      leafIndex: 9,
      auditPath: await inclusionProof(9, 20, log.source),
      checkpoint: cp20,
    });
    consistency = consistencyProofJson({
      from: cp13,
      to: cp20,
      consistencyPath: await consistencyProof(13, 20, log.source),
    });
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('verifies a signed checkpoint (exit 0) and says what it verified', () => {
    const r = run(['checkpoint', file('cp.json', cp20), ...k()]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^VERIFIED \(checkpoint\)/);
    assert.match(r.stdout, new RegExp(`treeSize 20, root ${cp20.rootHash}`));
    assert.match(r.stdout, new RegExp(`key ${key.keyId}`));
  });

  it('verifies an inclusion proof given the leaf, given only the leaf hash, and from stdin', () => {
    const r = run(['inclusion', file('inc.json', inclusion), ...k()]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /is entry 9 of the log at tree size 20/);
    assert.match(r.stdout, new RegExp(`lot ${log.leaves[9].lotId}, seq ${log.leaves[9].seq}`));

    const hashOnly: Partial<InclusionProofJson> = clone(inclusion);
    delete hashOnly.leaf;
    assert.equal(run(['inclusion', file('inc-hash.json', hashOnly), ...k()]).status, 0);

    const leafOnly: Partial<InclusionProofJson> = clone(inclusion);
    delete leafOnly.leafHash;
    assert.equal(run(['inclusion', '-', ...k()], JSON.stringify(leafOnly)).status, 0);
    assert.equal(run(['inclusion', ...k()], JSON.stringify(leafOnly)).status, 0, 'stdin when FILE is absent');
  });

  it('verifies a consistency proof between two checkpoints', () => {
    const r = run(['consistency', file('cons.json', consistency), ...k()]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /tree size 20 extends the log at tree size 13/);
  });

  it('a tampered event fails its inclusion proof (exit 1, reason on stderr)', () => {
    const bad = clone(inclusion);
    bad.leaf!.eventHash = hashToHex(log.leafHashes[0]);
    delete bad.leafHash;
    const r = run(['inclusion', file('tampered-event.json', bad), ...k()]);
    assert.equal(r.status, 1);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^NOT VERIFIED \(inclusion\): audit path does not lead/);

    const mismatch = clone(inclusion);
    mismatch.leaf!.seq += 1;
    assert.match(run(['inclusion', file('mismatch.json', mismatch), ...k()]).stderr, /is not the hash of the leaf/);
  });

  it('every other kind of tampering with an inclusion proof fails', () => {
    const flip = (h: string) => (h[0] === '0' ? '1' : '0') + h.slice(1);
    const variants: [string, (p: InclusionProofJson) => void, RegExp][] = [
      ['audit path element', (p) => (p.auditPath[2] = flip(p.auditPath[2])), /audit path does not lead/],
      ['audit path truncated', (p) => p.auditPath.pop(), /audit path does not lead/],
      ['leaf index', (p) => (p.leafIndex = 8), /differs from leafIndex/],
      ['tree size', (p) => (p.treeSize = 19), /differs from the checkpoint/],
      ['checkpoint root', (p) => (p.checkpoint.rootHash = flip(p.checkpoint.rootHash)), /signature does not verify/],
      ['checkpoint size', (p) => (p.checkpoint.treeSize = 21), /signature does not verify/],
      ['no leaf at all', (p) => (delete p.leaf, delete p.leafHash), /either leaf or leafHash/],
      ['bad hex', (p) => (p.auditPath[0] = p.auditPath[0].toUpperCase()), /auditPath\[0\]/],
    ];
    for (const [name, mutate, reason] of variants) {
      const bad = clone(inclusion);
      mutate(bad);
      const r = run(['inclusion', file(`bad-${name.replace(/ /g, '-')}.json`, bad), ...k()]);
      assert.equal(r.status, 1, name);
      assert.match(r.stderr, reason, name);
    }
  });

  it('a rewritten history fails consistency even when the log signs it', () => {
    // The operator edits event 4 and re-signs a size-20 checkpoint of the edited log.
    const forked = buildLog(20, 'example event');
    const edited = buildLog(5, 'edited event');
    const hashes = [...forked.leafHashes];
    hashes[4] = edited.leafHashes[4];
    const f = MerkleFrontier.empty();
    for (const h of hashes) f.append(h);
    const forgedTo = signCheckpoint(key.privateKey, {
      treeSize: 20,
      rootHash: hashToHex(f.root()),
      issuedAt: '2025-02-01T01:00:00.000Z',
    });
    const bad = { ...clone(consistency), to: forgedTo };
    const r = run(['consistency', file('fork.json', bad), ...k()]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /not shown to extend/);

    const swapped = { ...clone(consistency), from: cp20, to: cp13 };
    assert.match(run(['consistency', file('swapped.json', swapped), ...k()]).stderr, /larger than/);
    const shortened = clone(consistency);
    shortened.consistencyPath.pop();
    assert.equal(run(['consistency', file('short.json', shortened), ...k()]).status, 1);
  });

  it('the wrong public key fails; several keys cover a key rotation', () => {
    const other = generateSigningKey();
    const r = run(['checkpoint', file('cp2.json', cp20), ...k(other.publicKeyRaw)]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, new RegExp(`names key ${key.keyId}`));

    const across = consistencyProofJson({
      from: cp13,
      to: cp20rotated,
      consistencyPath: consistency.consistencyPath.map((h) => Buffer.from(h, 'hex')),
    });
    const path = file('rotation.json', across);
    assert.equal(run(['consistency', path, ...k()]).status, 1, 'only the old key');
    assert.equal(run(['consistency', path, ...k(rotated.publicKeyRaw)]).status, 1, 'only the new key');
    assert.equal(run(['consistency', path, ...k(), ...k(rotated.publicKeyRaw)]).status, 0, 'both keys');
  });

  it('reads the key from a file: raw base64url, PEM, or JSON {publicKey}', () => {
    const cpPath = file('cp3.json', cp20);
    const raw = file('key.txt', `${key.publicKeyRaw}\n`);
    const pem = file('key.pem', key.publicKey.export({ format: 'pem', type: 'spki' }).toString());
    const json = file('key.json', {
      keyId: key.keyId,
      algorithm: 'Ed25519',
      publicKey: exportPublicKey(key.publicKey),
    });
    for (const path of [raw, pem, json]) {
      const r = run(['checkpoint', cpPath, '--key-file', path]);
      assert.equal(r.status, 0, `${path}: ${r.stderr}`);
    }
  });

  it('unusable input exits 1 with a message', () => {
    const cpPath = file('cp4.json', cp20);
    const cases: [string[], string | undefined, RegExp][] = [
      [['checkpoint', cpPath], undefined, /a public key is required/],
      [['receipt', cpPath, ...k()], undefined, /unknown proof kind "receipt"/],
      [[], undefined, /which kind of proof/],
      [['checkpoint', cpPath, '--key', 'not-a-key'], undefined, /43 base64url/],
      [['checkpoint', cpPath, '--key-file', join(dir, 'missing.txt')], undefined, /ENOENT/],
      [['checkpoint', cpPath, '--verbose', ...k()], undefined, /unknown option --verbose/],
      [['checkpoint', '-', ...k()], '{"treeSize":', /cannot read JSON/],
      [['checkpoint', join(dir, 'missing.json'), ...k()], undefined, /cannot read JSON/],
      [['inclusion', '-', ...k()], '[]', /must be a JSON object/],
    ];
    for (const [args, input, message] of cases) {
      const r = run(args, input);
      assert.equal(r.status, 1, args.join(' '));
      assert.match(r.stderr, message, args.join(' '));
    }
    const help = run(['--help']);
    assert.equal(help.status, 0);
    assert.match(help.stdout, /^usage: verify-proof/);
  });

  it('the domain modules import nothing but node built-ins, canonicalize and each other', () => {
    const domainDir = join(DIST, 'src', 'transparency', 'domain');
    const files = readdirSync(domainDir).filter((f) => f.endsWith('.js'));
    assert.ok(files.length >= 5);
    for (const f of files) {
      for (const m of readFileSync(join(domainDir, f), 'utf8').matchAll(/require\("([^"]+)"\)/g)) {
        const spec = m[1];
        const ok = spec.startsWith('node:') || spec === 'canonicalize' || /^\.\/[a-z-]+$/.test(spec);
        assert.ok(ok, `${f} requires ${spec}`);
      }
    }
  });

  it('loads nothing but node built-ins, canonicalize and the transparency domain modules', () => {
    const domainDir = join(DIST, 'src', 'transparency', 'domain');
    const seen = new Set<string>();
    const external = new Set<string>();
    const visit = (path: string) => {
      if (seen.has(path)) return;
      seen.add(path);
      const code = readFileSync(path, 'utf8');
      for (const m of code.matchAll(/require\("([^"]+)"\)/g)) {
        const spec = m[1];
        if (spec.startsWith('.')) visit(resolve(dirname(path), spec.endsWith('.js') ? spec : `${spec}.js`));
        else external.add(spec);
      }
    };
    visit(CLI);
    for (const path of seen) {
      if (path === CLI) continue;
      assert.ok(!relative(domainDir, path).startsWith('..'), `${path} is outside src/transparency/domain`);
    }
    for (const spec of external) {
      const builtin = spec.startsWith('node:') || builtinModules.includes(spec);
      assert.ok(builtin || spec === 'canonicalize', `unexpected dependency ${spec}`);
    }
    assert.ok(external.has('node:crypto'));
  });
});
