import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** API keys look like `cl_<16 hex public id>_<43 base64url secret>`. */
const TOKEN = /^cl_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;

export interface IssuedToken {
  token: string;
  publicId: string;
  secretHash: string;
}

export function issueToken(): IssuedToken {
  const publicId = randomBytes(8).toString('hex');
  const secret = randomBytes(32).toString('base64url');
  return { token: `cl_${publicId}_${secret}`, publicId, secretHash: hashSecret(secret) };
}

export function parseToken(token: string): { publicId: string; secret: string } | null {
  const match = TOKEN.exec(token);
  return match ? { publicId: match[1], secret: match[2] } : null;
}

/** The secret has 256 bits of entropy, so one SHA-256 is enough (no slow KDF needed). */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

export function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && timingSafeEqual(x, y);
}
