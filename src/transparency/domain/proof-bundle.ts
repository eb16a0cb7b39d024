import type { KeyObject } from 'node:crypto';
import { keyIdOf, verifyCheckpoint, type SignedCheckpoint } from './checkpoint';
import { custodyLeafHash, parseCustodyLeaf, type CustodyLeaf } from './leaf';
import { hashFromHex, hashToHex, isTreeSize, verifyConsistency, verifyInclusion } from './merkle';

/**
 * The self-contained JSON documents a client keeps and an auditor verifies offline with nothing but
 * the log's public key(s). The HTTP endpoints should answer with exactly these shapes.
 */

/** Proof that one custody event's leaf is in the log at a signed checkpoint. */
export interface InclusionProofJson {
  /** The leaf (see leaf.ts); its hash is computed by the verifier. */
  leaf?: CustodyLeaf;
  /** The leaf hash, lowercase hex. Either `leaf` or `leafHash` is required; when both, they must agree. */
  leafHash?: string;
  leafIndex: number;
  /** Must equal checkpoint.treeSize. */
  treeSize: number;
  /** RFC 6962 audit path, lowercase hex, the leaf's sibling first. */
  auditPath: string[];
  checkpoint: SignedCheckpoint;
}

/** Proof that the `to` checkpoint's tree extends the `from` checkpoint's tree. */
export interface ConsistencyProofJson {
  from: SignedCheckpoint;
  to: SignedCheckpoint;
  /** RFC 6962 consistency proof PROOF(from.treeSize, D[to.treeSize]), lowercase hex. */
  consistencyPath: string[];
}

export type Verdict<T> = ({ ok: true } & T) | { ok: false; reason: string };

export function inclusionProofJson(args: {
  leaf?: CustodyLeaf;
  leafHash: Uint8Array;
  leafIndex: number;
  auditPath: readonly Uint8Array[];
  checkpoint: SignedCheckpoint;
}): InclusionProofJson {
  return {
    ...(args.leaf ? { leaf: args.leaf } : {}),
    leafHash: hashToHex(args.leafHash),
    leafIndex: args.leafIndex,
    treeSize: args.checkpoint.treeSize,
    auditPath: args.auditPath.map(hashToHex),
    checkpoint: args.checkpoint,
  };
}

export function consistencyProofJson(args: {
  from: SignedCheckpoint;
  to: SignedCheckpoint;
  consistencyPath: readonly Uint8Array[];
}): ConsistencyProofJson {
  return { from: args.from, to: args.to, consistencyPath: args.consistencyPath.map(hashToHex) };
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function parseHashList(value: unknown, name: string): Buffer[] | string {
  if (!Array.isArray(value)) return `${name} must be an array of hex hashes`;
  const out: Buffer[] = [];
  for (const [i, h] of value.entries()) {
    const b = hashFromHex(h);
    if (!b) return `${name}[${i}] must be 64 lowercase hex characters`;
    out.push(b);
  }
  return out;
}

/** Verifies a checkpoint against whichever of `keys` its keyId names. */
export function verifyCheckpointWithKeys(
  checkpoint: unknown,
  keys: readonly KeyObject[],
): Verdict<{ checkpoint: SignedCheckpoint }> {
  if (!isObject(checkpoint)) return { ok: false, reason: 'checkpoint must be a JSON object' };
  const ids = keys.map(keyIdOf);
  const at = ids.indexOf(checkpoint.keyId as string);
  if (at < 0) {
    const named = typeof checkpoint.keyId === 'string' ? checkpoint.keyId : '(none)';
    return { ok: false, reason: `checkpoint names key ${named}; the given key(s): ${ids.join(', ') || '(none)'}` };
  }
  const check = verifyCheckpoint(keys[at], checkpoint);
  return check.ok ? { ok: true, checkpoint: check.checkpoint } : { ok: false, reason: `checkpoint: ${check.reason}` };
}

/** Verifies an `InclusionProofJson` (untrusted input): checkpoint signature, leaf, audit path. */
export function verifyInclusionProofJson(
  value: unknown,
  keys: readonly KeyObject[],
): Verdict<{ checkpoint: SignedCheckpoint; leafHash: string; leafIndex: number; leaf?: CustodyLeaf }> {
  if (!isObject(value)) return { ok: false, reason: 'inclusion proof must be a JSON object' };
  const cp = verifyCheckpointWithKeys(value.checkpoint, keys);
  if (!cp.ok) return cp;
  const { leafIndex, treeSize } = value;
  if (!isTreeSize(leafIndex)) return { ok: false, reason: 'leafIndex must be a non-negative safe integer' };
  if (treeSize !== cp.checkpoint.treeSize) {
    return {
      ok: false,
      reason: `treeSize ${String(treeSize)} differs from the checkpoint's ${cp.checkpoint.treeSize}`,
    };
  }
  if (leafIndex >= treeSize) return { ok: false, reason: `leafIndex ${leafIndex} is not below treeSize ${treeSize}` };
  const path = parseHashList(value.auditPath, 'auditPath');
  if (typeof path === 'string') return { ok: false, reason: path };

  let leaf: CustodyLeaf | undefined;
  let hash: Buffer | undefined;
  if (value.leaf !== undefined) {
    const parsed = parseCustodyLeaf(value.leaf);
    if (!parsed.ok) return { ok: false, reason: `leaf: ${parsed.errors.join('; ')}` };
    leaf = parsed.leaf;
    if (leaf.logIndex !== leafIndex) {
      return { ok: false, reason: `leaf.logIndex ${leaf.logIndex} differs from leafIndex ${leafIndex}` };
    }
    hash = custodyLeafHash(leaf);
  }
  if (value.leafHash !== undefined) {
    const given = hashFromHex(value.leafHash);
    if (!given) return { ok: false, reason: 'leafHash must be 64 lowercase hex characters' };
    if (hash && !hash.equals(given)) {
      return { ok: false, reason: `leafHash ${hashToHex(given)} is not the hash of the leaf (${hashToHex(hash)})` };
    }
    hash = given;
  }
  if (!hash) return { ok: false, reason: 'either leaf or leafHash is required' };

  const root = Buffer.from(cp.checkpoint.rootHash, 'hex');
  if (!verifyInclusion(hash, leafIndex, treeSize, path, root)) {
    return {
      ok: false,
      reason: `audit path does not lead from leaf ${hashToHex(hash)} at index ${leafIndex} to the checkpoint root`,
    };
  }
  return { ok: true, checkpoint: cp.checkpoint, leafHash: hashToHex(hash), leafIndex, ...(leaf ? { leaf } : {}) };
}

/** Verifies a `ConsistencyProofJson` (untrusted input): both checkpoint signatures and the proof. */
export function verifyConsistencyProofJson(
  value: unknown,
  keys: readonly KeyObject[],
): Verdict<{ from: SignedCheckpoint; to: SignedCheckpoint }> {
  if (!isObject(value)) return { ok: false, reason: 'consistency proof must be a JSON object' };
  const from = verifyCheckpointWithKeys(value.from, keys);
  if (!from.ok) return { ok: false, reason: `from ${from.reason}` };
  const to = verifyCheckpointWithKeys(value.to, keys);
  if (!to.ok) return { ok: false, reason: `to ${to.reason}` };
  const path = parseHashList(value.consistencyPath, 'consistencyPath');
  if (typeof path === 'string') return { ok: false, reason: path };
  const m = from.checkpoint.treeSize;
  const n = to.checkpoint.treeSize;
  if (m > n) return { ok: false, reason: `from.treeSize ${m} is larger than to.treeSize ${n}` };
  const ok = verifyConsistency(
    m,
    n,
    Buffer.from(from.checkpoint.rootHash, 'hex'),
    Buffer.from(to.checkpoint.rootHash, 'hex'),
    path,
  );
  if (!ok) {
    return { ok: false, reason: `the tree of size ${n} is not shown to extend the tree of size ${m}` };
  }
  return { ok: true, from: from.checkpoint, to: to.checkpoint };
}
