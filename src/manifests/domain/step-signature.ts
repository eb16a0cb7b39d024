import canonicalize from 'canonicalize';
import { createPublicKey, verify, type KeyObject } from 'node:crypto';

/**
 * Device signatures on manifest steps: Ed25519 (RFC 8032) over the UTF-8 bytes of the RFC 8785
 * canonical JSON of the step payload. Public keys are registered per member as the raw 32-byte
 * key in base64url (as in a JWK `x`).
 */
export function importEd25519PublicKey(rawBase64Url: string): KeyObject | null {
  if (!/^[A-Za-z0-9_-]{43}$/.test(rawBase64Url)) return null;
  try {
    return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: rawBase64Url }, format: 'jwk' });
  } catch {
    return null;
  }
}

export function signingBytes(payload: unknown): Buffer {
  const text = canonicalize(payload);
  if (text === undefined) throw new Error('payload cannot be canonicalised');
  return Buffer.from(text, 'utf8');
}

export function verifyStepSignature(publicKey: KeyObject, payload: unknown, signatureBase64Url: string): boolean {
  if (!/^[A-Za-z0-9_-]{86}$/.test(signatureBase64Url)) return false;
  return verify(null, signingBytes(payload), publicKey, Buffer.from(signatureBase64Url, 'base64url'));
}
