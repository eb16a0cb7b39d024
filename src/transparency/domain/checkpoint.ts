import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  sign,
  verify,
  type KeyObject,
} from 'node:crypto';
import { emptyRoot, hashFromHex, isTreeSize } from './merkle';

/**
 * Signed checkpoints of the global log.
 *
 * The signed bytes are a C2SP tlog-checkpoint style text body (UTF-8, every line ends in "\n"):
 *
 *   custody-ledger/v1          origin: names the log and the format version
 *   <treeSize>                 decimal, no sign, no leading zeros
 *   <rootHash>                 the 32-byte root in standard base64 with padding (44 characters)
 *   <issuedAt>                 ISO 8601 UTC with milliseconds, as Date#toISOString: 2025-01-31T08:00:00.000Z
 *
 * Why text and not RFC 8785 JSON: an auditor can rebuild it with printf and verify it with any
 * Ed25519 implementation (openssl included) without a canonical-JSON library; each field has exactly
 * one spelling, the line structure makes it impossible to shift bytes between fields, and the
 * origin line separates these signatures from every other use of the key. It follows the layout
 * used by Certificate Transparency tiles, Go's checksum database and Sigstore (origin, size, base64
 * root, then extension lines), so existing tooling and witnesses read it.
 *
 * The signature is Ed25519 (RFC 8032, pure, no pre-hash) over those bytes. The key id is the first 8
 * bytes of SHA-256 of the raw 32-byte public key, in lowercase hex; it tells a verifier which key to
 * use and is not itself signed (a wrong key id can only make verification fail).
 *
 * The JSON form of a signed checkpoint: { treeSize, rootHash (hex), issuedAt, keyId, signature
 * (base64url of the 64-byte signature, no padding) }. Other properties are ignored: only the body
 * above is signed.
 */

export const CHECKPOINT_ORIGIN = 'custody-ledger/v1';

export interface CheckpointBody {
  treeSize: number;
  /** MTH of the first treeSize leaves, lowercase hex. */
  rootHash: string;
  /** ISO 8601 UTC with milliseconds (Date#toISOString). */
  issuedAt: string;
}

export interface SignedCheckpoint extends CheckpointBody {
  /** First 8 bytes of SHA-256(raw public key), lowercase hex (16 characters). */
  keyId: string;
  /** Ed25519 signature over `checkpointSigningBytes(body)`, base64url without padding (86 characters). */
  signature: string;
}

export type CheckpointCheck = { ok: true; checkpoint: SignedCheckpoint } | { ok: false; reason: string };

const ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const KEY_ID = /^[0-9a-f]{16}$/;
const SIGNATURE = /^[A-Za-z0-9_-]{86}$/;
const RAW_PUBLIC_KEY = /^[A-Za-z0-9_-]{43}$/;

function isIssuedAt(s: unknown): s is string {
  if (typeof s !== 'string' || !ISO_MS.test(s)) return false;
  const t = Date.parse(s);
  return Number.isFinite(t) && new Date(t).toISOString() === s;
}

/** What is wrong with a checkpoint body, or null when it is well formed. */
export function checkpointBodyError(body: unknown): string | null {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return 'checkpoint must be a JSON object';
  const b = body as Record<string, unknown>;
  if (!isTreeSize(b.treeSize)) return 'treeSize must be a non-negative safe integer';
  const root = hashFromHex(b.rootHash);
  if (!root) return 'rootHash must be 64 lowercase hex characters';
  if (b.treeSize === 0 && !root.equals(emptyRoot())) return 'a checkpoint of size 0 must carry the empty-tree hash';
  if (!isIssuedAt(b.issuedAt))
    return 'issuedAt must be an ISO 8601 UTC time with milliseconds (YYYY-MM-DDTHH:mm:ss.sssZ)';
  return null;
}

/** The exact bytes that are signed (see the module comment). Throws on a malformed body. */
export function checkpointSigningBytes(body: CheckpointBody): Buffer {
  const error = checkpointBodyError(body);
  if (error) throw new TypeError(error);
  const root = Buffer.from(body.rootHash, 'hex').toString('base64');
  return Buffer.from(`${CHECKPOINT_ORIGIN}\n${body.treeSize}\n${root}\n${body.issuedAt}\n`, 'utf8');
}

function assertEd25519(key: KeyObject, type: 'private' | 'public'): void {
  if (key.type !== type || key.asymmetricKeyType !== 'ed25519') {
    throw new TypeError(
      `expected an Ed25519 ${type} key, got a ${key.asymmetricKeyType ?? 'symmetric'} ${key.type} key`,
    );
  }
}

/** The raw 32-byte Ed25519 public key. */
export function rawPublicKey(publicKey: KeyObject): Buffer {
  assertEd25519(publicKey, 'public');
  const jwk = publicKey.export({ format: 'jwk' });
  return Buffer.from(jwk.x!, 'base64url');
}

/** Key id: the first 8 bytes of SHA-256(raw public key), lowercase hex. */
export function keyIdOf(publicKey: KeyObject): string {
  return createHash('sha256').update(rawPublicKey(publicKey)).digest().subarray(0, 8).toString('hex');
}

/** The public key as published: the raw 32 bytes in base64url without padding (a JWK `x`). */
export function exportPublicKey(publicKey: KeyObject): string {
  return rawPublicKey(publicKey).toString('base64url');
}

/** Imports a public key published by `exportPublicKey`; throws a TypeError on anything else. */
export function importPublicKey(rawBase64Url: string): KeyObject {
  const text = rawBase64Url.trim();
  if (!RAW_PUBLIC_KEY.test(text)) throw new TypeError('public key must be 43 base64url characters (raw Ed25519 key)');
  try {
    return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: text }, format: 'jwk' });
  } catch {
    throw new TypeError('public key is not a valid Ed25519 key');
  }
}

/**
 * Imports the signing key from configuration: a PKCS#8 PEM ("-----BEGIN PRIVATE KEY-----"). Escaped
 * newlines ("\n" written as two characters, as in many environment files) are accepted. Throws a
 * TypeError that never contains key material.
 */
export function importSigningKey(pem: string): KeyObject {
  const text = pem.includes('\\n') ? pem.replace(/\\n/g, '\n') : pem;
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: text.trim(), format: 'pem' });
  } catch {
    throw new TypeError('signing key is not a PKCS#8 PEM private key');
  }
  if (key.asymmetricKeyType !== 'ed25519') throw new TypeError('signing key must be an Ed25519 key');
  return key;
}

/** Exports the signing key as PKCS#8 PEM (for configuration only: never log or return it). */
export function exportSigningKey(privateKey: KeyObject): string {
  assertEd25519(privateKey, 'private');
  return privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
}

/** The public key of a signing key. */
export function publicKeyOf(privateKey: KeyObject): KeyObject {
  assertEd25519(privateKey, 'private');
  return createPublicKey(privateKey);
}

export interface GeneratedSigningKey {
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** PKCS#8 PEM of the private key, to be stored as configuration. */
  privateKeyPem: string;
  /** Raw public key, base64url. */
  publicKeyRaw: string;
  keyId: string;
}

/** A fresh Ed25519 key pair (development first start; production keys come from configuration). */
export function generateSigningKey(): GeneratedSigningKey {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    privateKey,
    publicKey,
    privateKeyPem: exportSigningKey(privateKey),
    publicKeyRaw: exportPublicKey(publicKey),
    keyId: keyIdOf(publicKey),
  };
}

/** Signs a checkpoint body. Throws on a malformed body or a key that is not an Ed25519 private key. */
export function signCheckpoint(privateKey: KeyObject, body: CheckpointBody): SignedCheckpoint {
  assertEd25519(privateKey, 'private');
  const bytes = checkpointSigningBytes(body);
  return {
    treeSize: body.treeSize,
    rootHash: body.rootHash,
    issuedAt: body.issuedAt,
    keyId: keyIdOf(publicKeyOf(privateKey)),
    signature: sign(null, bytes, privateKey).toString('base64url'),
  };
}

/**
 * Checks an untrusted checkpoint (e.g. parsed from a file) against a public key: the shape, the key
 * id, and the Ed25519 signature over the body. Never throws on bad input.
 */
export function verifyCheckpoint(publicKey: KeyObject, checkpoint: unknown): CheckpointCheck {
  const error = checkpointBodyError(checkpoint);
  if (error) return { ok: false, reason: error };
  const c = checkpoint as Record<string, unknown>;
  if (typeof c.keyId !== 'string' || !KEY_ID.test(c.keyId))
    return { ok: false, reason: 'keyId must be 16 lowercase hex characters' };
  if (typeof c.signature !== 'string' || !SIGNATURE.test(c.signature)) {
    return { ok: false, reason: 'signature must be 86 base64url characters' };
  }
  let expectedKeyId: string;
  try {
    expectedKeyId = keyIdOf(publicKey);
  } catch (e) {
    return { ok: false, reason: (e as Error).message };
  }
  if (c.keyId !== expectedKeyId) {
    return { ok: false, reason: `checkpoint was signed by key ${c.keyId}, not by the given key ${expectedKeyId}` };
  }
  const parsed: SignedCheckpoint = {
    treeSize: c.treeSize as number,
    rootHash: c.rootHash as string,
    issuedAt: c.issuedAt as string,
    keyId: c.keyId,
    signature: c.signature,
  };
  const signature = Buffer.from(parsed.signature, 'base64url');
  if (signature.length !== 64 || signature.toString('base64url') !== parsed.signature) {
    return { ok: false, reason: 'signature is not a canonical base64url encoding of 64 bytes' };
  }
  if (!verify(null, checkpointSigningBytes(parsed), publicKey, signature)) {
    return { ok: false, reason: 'signature does not verify: the checkpoint was altered or not signed by this key' };
  }
  return { ok: true, checkpoint: parsed };
}

/** The root of a verified checkpoint as bytes. */
export function checkpointRoot(checkpoint: CheckpointBody): Buffer {
  const root = hashFromHex(checkpoint.rootHash);
  if (!root) throw new TypeError('rootHash must be 64 lowercase hex characters');
  return root;
}
