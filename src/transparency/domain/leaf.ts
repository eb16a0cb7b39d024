import canonicalize from 'canonicalize';
import { leafHash } from './merkle';

/**
 * The leaf of the global log for one custody event. The leaf data is the UTF-8 of the RFC 8785
 * (JCS) canonical JSON of
 *
 *   { "v": 1, "logIndex": <entry number in the log>, "lotId": "<lot uuid>", "seq": <event number
 *     in the lot's chain>, "eventHash": "<the event's chain hash, 64 lowercase hex>" }
 *
 * so that proving the leaf's inclusion proves the event's chain hash (which covers the event's
 * content and the previous hash) and its position in the log. With the field values allowed here
 * (safe non-negative integers, a lowercase UUID, lowercase hex) the canonical form is exactly
 *
 *   {"eventHash":"<hex>","logIndex":<decimal>,"lotId":"<uuid>","seq":<decimal>,"v":1}
 *
 * (keys sorted, no whitespace, integers in shortest decimal form), so an auditor can build it with
 * printf. The Merkle leaf hash is SHA-256(0x00 || those bytes).
 */

export const LEAF_VERSION = 1;

export interface CustodyLeaf {
  v: typeof LEAF_VERSION;
  /** 0-based position of the entry in the global log (= the leaf index). */
  logIndex: number;
  /** The lot whose chain the event belongs to: lowercase UUID. */
  lotId: string;
  /** The event's position in the lot's hash chain. */
  seq: number;
  /** The event's chain hash (SHA-256 of its RFC 8785 encoding, including the previous hash), lowercase hex. */
  eventHash: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const HEX64 = /^[0-9a-f]{64}$/;
const FIELDS = ['eventHash', 'logIndex', 'lotId', 'seq', 'v'];

const isIndex = (n: unknown): n is number => typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;

/**
 * Checks an untrusted value (e.g. from a proof file) and returns it as a `CustodyLeaf`, or a list
 * of what is wrong. Exactly the five fields are allowed.
 */
export function parseCustodyLeaf(value: unknown): { ok: true; leaf: CustodyLeaf } | { ok: false; errors: string[] } {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, errors: ['leaf must be a JSON object'] };
  }
  const v = value as Record<string, unknown>;
  const errors: string[] = [];
  for (const key of Object.keys(v)) if (!FIELDS.includes(key)) errors.push(`unknown field "${key}"`);
  if (v.v !== LEAF_VERSION) errors.push(`v must be ${LEAF_VERSION}`);
  if (!isIndex(v.logIndex)) errors.push('logIndex must be a non-negative safe integer');
  if (typeof v.lotId !== 'string' || !UUID.test(v.lotId)) errors.push('lotId must be a lowercase UUID');
  if (!isIndex(v.seq)) errors.push('seq must be a non-negative safe integer');
  if (typeof v.eventHash !== 'string' || !HEX64.test(v.eventHash)) {
    errors.push('eventHash must be 64 lowercase hex characters');
  }
  if (errors.length > 0) return { ok: false, errors };
  return {
    ok: true,
    leaf: {
      v: LEAF_VERSION,
      logIndex: v.logIndex as number,
      lotId: v.lotId as string,
      seq: v.seq as number,
      eventHash: v.eventHash as string,
    },
  };
}

/** Builds a leaf from the event's coordinates; throws a TypeError listing every invalid field. */
export function custodyLeaf(fields: Omit<CustodyLeaf, 'v'>): CustodyLeaf {
  const parsed = parseCustodyLeaf({ v: LEAF_VERSION, ...fields });
  if (!parsed.ok) throw new TypeError(`invalid custody leaf: ${parsed.errors.join('; ')}`);
  return parsed.leaf;
}

/** The leaf data: UTF-8 bytes of the RFC 8785 canonical JSON of the (validated) leaf. */
export function encodeCustodyLeaf(leaf: CustodyLeaf): Buffer {
  const checked = custodyLeaf(leaf);
  const text = canonicalize(checked);
  if (text === undefined) throw new Error('leaf cannot be canonicalised');
  return Buffer.from(text, 'utf8');
}

/** The Merkle leaf hash of a custody event: SHA-256(0x00 || encodeCustodyLeaf(leaf)). */
export function custodyLeafHash(leaf: CustodyLeaf): Buffer {
  return leafHash(encodeCustodyLeaf(leaf));
}
