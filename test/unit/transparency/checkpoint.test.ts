import assert from 'node:assert/strict';
import { createHash, createPrivateKey, generateKeyPairSync, verify } from 'node:crypto';
import { describe, it } from 'node:test';
import {
  CHECKPOINT_ORIGIN,
  checkpointSigningBytes,
  exportPublicKey,
  exportSigningKey,
  generateSigningKey,
  importPublicKey,
  importSigningKey,
  keyIdOf,
  publicKeyOf,
  rawPublicKey,
  signCheckpoint,
  verifyCheckpoint,
  type CheckpointBody,
} from '../../../src/transparency/domain/checkpoint';
import { emptyRoot } from '../../../src/transparency/domain/merkle';

/** An Ed25519 key from a fixed seed (PKCS#8 DER prefix for Ed25519 + 32-byte seed). */
const keyFromSeed = (label: string) =>
  createPrivateKey({
    key: Buffer.concat([
      Buffer.from('302e020100300506032b657004220420', 'hex'),
      createHash('sha256').update(label).digest(),
    ]),
    format: 'der',
    type: 'pkcs8',
  });

const KEY = keyFromSeed('checkpoint test key');
const PUBLIC = publicKeyOf(KEY);
const BODY: CheckpointBody = {
  treeSize: 1234,
  rootHash: createHash('sha256').update('root').digest('hex'),
  issuedAt: '2025-03-01T08:30:00.000Z',
};

describe('checkpoint signing format', () => {
  it('signs the documented four-line text body', () => {
    const root64 = Buffer.from(BODY.rootHash, 'hex').toString('base64');
    assert.equal(root64.length, 44);
    assert.equal(
      checkpointSigningBytes(BODY).toString('utf8'),
      `custody-ledger/v1\n1234\n${root64}\n2025-03-01T08:30:00.000Z\n`,
    );
    assert.equal(CHECKPOINT_ORIGIN, 'custody-ledger/v1');
  });

  it('the signature is plain Ed25519 over those bytes, checkable without this module', () => {
    const cp = signCheckpoint(KEY, BODY);
    const text = `custody-ledger/v1\n1234\n${Buffer.from(BODY.rootHash, 'hex').toString('base64')}\n${BODY.issuedAt}\n`;
    assert.ok(verify(null, Buffer.from(text), PUBLIC, Buffer.from(cp.signature, 'base64url')));
    assert.match(cp.signature, /^[A-Za-z0-9_-]{86}$/);
    // Ed25519 is deterministic: the same body and key give the same signature.
    assert.equal(signCheckpoint(KEY, BODY).signature, cp.signature);
  });

  it('round trip: sign then verify', () => {
    const cp = signCheckpoint(KEY, BODY);
    assert.deepEqual(verifyCheckpoint(PUBLIC, cp), { ok: true, checkpoint: cp });
    assert.deepEqual(Object.keys(cp).sort(), ['issuedAt', 'keyId', 'rootHash', 'signature', 'treeSize']);
    // Properties outside the signed body are ignored (and dropped from the result).
    assert.deepEqual(verifyCheckpoint(PUBLIC, { ...cp, id: 7 }), { ok: true, checkpoint: cp });
  });

  it('detects a change to any signed field, the key id, or the signature', () => {
    const cp = signCheckpoint(KEY, BODY);
    const sigBytes = Buffer.from(cp.signature, 'base64url');
    sigBytes[10] ^= 1;
    const otherRoot = createHash('sha256').update('other').digest('hex');
    const tampered = [
      { ...cp, treeSize: 1235 },
      { ...cp, treeSize: 1233 },
      { ...cp, rootHash: otherRoot },
      { ...cp, issuedAt: '2025-03-01T08:30:00.001Z' },
      { ...cp, signature: sigBytes.toString('base64url') },
      { ...cp, keyId: '0000000000000000' },
    ];
    for (const t of tampered) {
      const r = verifyCheckpoint(PUBLIC, t);
      assert.equal(r.ok, false, JSON.stringify(t));
    }
    const other = generateSigningKey();
    const wrongKey = verifyCheckpoint(other.publicKey, cp);
    assert.equal(wrongKey.ok, false);
    if (!wrongKey.ok) assert.match(wrongKey.reason, /signed by key/);
    // Same key id claimed, wrong key: the signature itself fails.
    const forged = { ...signCheckpoint(other.privateKey, BODY), keyId: cp.keyId };
    const r = verifyCheckpoint(PUBLIC, forged);
    assert.equal(r.ok, false);
    if (!r.ok) assert.match(r.reason, /signature does not verify/);
  });

  it('refuses malformed checkpoints with a reason, never throws', () => {
    const cp = signCheckpoint(KEY, BODY);
    const cases: [unknown, RegExp][] = [
      [null, /object/],
      [[cp], /object/],
      [{ ...cp, treeSize: '1234' }, /treeSize/],
      [{ ...cp, treeSize: -1 }, /treeSize/],
      [{ ...cp, rootHash: cp.rootHash.toUpperCase() }, /rootHash/],
      [{ ...cp, issuedAt: '2025-03-01T08:30:00Z' }, /issuedAt/],
      [{ ...cp, issuedAt: '2025-03-01T16:30:00.000+08:00' }, /issuedAt/],
      [{ ...cp, issuedAt: '2025-02-30T08:30:00.000Z' }, /issuedAt/],
      [{ ...cp, keyId: cp.keyId.toUpperCase() }, /keyId/],
      [{ ...cp, signature: cp.signature + '=' }, /signature/],
      [{ ...cp, signature: `${cp.signature.slice(0, -1)}${cp.signature.endsWith('A') ? 'B' : 'A'}` }, /signature/],
    ];
    for (const [value, reason] of cases) {
      const r = verifyCheckpoint(PUBLIC, value);
      assert.equal(r.ok, false, JSON.stringify(value));
      if (!r.ok) assert.match(r.reason, reason);
    }
  });

  it('a checkpoint of the empty log must carry the empty-tree hash', () => {
    const issuedAt = BODY.issuedAt;
    const cp = signCheckpoint(KEY, { treeSize: 0, rootHash: emptyRoot().toString('hex'), issuedAt });
    assert.equal(verifyCheckpoint(PUBLIC, cp).ok, true);
    assert.throws(() => signCheckpoint(KEY, { treeSize: 0, rootHash: BODY.rootHash, issuedAt }), /empty-tree/);
  });

  it('signing refuses a malformed body or a key that is not an Ed25519 private key', () => {
    assert.throws(() => signCheckpoint(KEY, { ...BODY, issuedAt: 'yesterday' }), TypeError);
    assert.throws(() => signCheckpoint(KEY, { ...BODY, treeSize: 1.5 }), TypeError);
    assert.throws(() => signCheckpoint(PUBLIC, BODY), /Ed25519 private key/);
    const { privateKey: ec } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    assert.throws(() => signCheckpoint(ec, BODY), /Ed25519/);
  });
});

describe('signing keys', () => {
  it('key id = first 8 bytes of SHA-256 of the raw public key, hex', () => {
    const raw = rawPublicKey(PUBLIC);
    assert.equal(raw.length, 32);
    assert.equal(keyIdOf(PUBLIC), createHash('sha256').update(raw).digest('hex').slice(0, 16));
    assert.equal(signCheckpoint(KEY, BODY).keyId, keyIdOf(PUBLIC));
  });

  it('public key: raw base64url export and import round trip', () => {
    const text = exportPublicKey(PUBLIC);
    assert.match(text, /^[A-Za-z0-9_-]{43}$/);
    assert.equal(keyIdOf(importPublicKey(text)), keyIdOf(PUBLIC));
    assert.equal(keyIdOf(importPublicKey(`  ${text}\n`)), keyIdOf(PUBLIC));
    assert.throws(() => importPublicKey(text.slice(1)), TypeError);
    assert.throws(() => importPublicKey(Buffer.from(text, 'base64url').toString('base64')), TypeError);
  });

  it('private key: PKCS#8 PEM export and import round trip, also with escaped newlines', () => {
    const pem = exportSigningKey(KEY);
    assert.match(pem, /^-----BEGIN PRIVATE KEY-----\n/);
    assert.equal(keyIdOf(publicKeyOf(importSigningKey(pem))), keyIdOf(PUBLIC));
    const envStyle = pem.trim().replace(/\n/g, '\\n');
    assert.equal(keyIdOf(publicKeyOf(importSigningKey(envStyle))), keyIdOf(PUBLIC));
  });

  it('importSigningKey refuses other keys and garbage without echoing the input', () => {
    const { privateKey: rsa } = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const rsaPem = rsa.export({ format: 'pem', type: 'pkcs8' }).toString();
    assert.throws(() => importSigningKey(rsaPem), /must be an Ed25519 key/);
    const secret = '-----BEGIN PRIVATE KEY-----\nTOPSECRETMATERIAL\n-----END PRIVATE KEY-----';
    assert.throws(
      () => importSigningKey(secret),
      (e: unknown) => e instanceof TypeError && !e.message.includes('TOPSECRET'),
    );
  });

  it('generateSigningKey gives a usable, self-consistent key pair', () => {
    const g = generateSigningKey();
    assert.equal(g.keyId, keyIdOf(g.publicKey));
    assert.equal(g.publicKeyRaw, exportPublicKey(g.publicKey));
    assert.equal(keyIdOf(publicKeyOf(importSigningKey(g.privateKeyPem))), g.keyId);
    const cp = signCheckpoint(g.privateKey, BODY);
    assert.equal(verifyCheckpoint(importPublicKey(g.publicKeyRaw), cp).ok, true);
    assert.notEqual(generateSigningKey().keyId, g.keyId);
  });
});
