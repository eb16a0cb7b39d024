import { createHash, createPublicKey, verify } from 'node:crypto';

/**
 * An independent verifier of the global log's documents, written from docs/ledger-merkle.md and
 * RFC 6962 alone: it imports nothing from src/transparency (nor src/ledger), and it checks proofs
 * with the recursive definitions of RFC 6962 §2.1.1–2.1.2 (PATH and SUBPROOF) rather than the
 * iterative RFC 9162 algorithms the code under test uses.
 */

const sha256 = (...parts: Buffer[]): Buffer => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest();
};
const leafHashOf = (data: Buffer): Buffer => sha256(Buffer.from([0]), data);
const nodeOf = (l: Buffer, r: Buffer): Buffer => sha256(Buffer.from([1]), l, r);
const hex = (s: string): Buffer => {
  if (!/^[0-9a-f]{64}$/.test(s)) throw new Error(`not a hash: ${s}`);
  return Buffer.from(s, 'hex');
};
/** Largest power of two strictly below n (n >= 2). */
const split = (n: number): number => {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
};

export interface Checkpoint {
  treeSize: number;
  rootHash: string;
  issuedAt: string;
  keyId: string;
  signature: string;
}

/** RFC 8785 for the values events hold (integers, strings, booleans, null, arrays, objects). */
export function jcs(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(jcs).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${jcs(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The chain hash of an event as the API returns it (docs/ledger.md §3). */
export function eventHashOf(e: {
  format: number;
  lotId: string;
  seq: number;
  prevHash: string;
  type: string;
  occurredAt: string;
  recordedAt: string;
  actor: unknown;
  payload: unknown;
}): string {
  const content = {
    v: e.format,
    lotId: e.lotId,
    seq: e.seq,
    prevHash: e.prevHash,
    type: e.type,
    occurredAt: e.occurredAt,
    recordedAt: e.recordedAt,
    actor: e.actor,
    payload: e.payload,
  };
  return createHash('sha256').update(jcs(content), 'utf8').digest('hex');
}

/** The leaf bytes, written out as docs/ledger-merkle.md §2 spells them. */
export function leafBytes(logIndex: number, lotId: string, seq: number, eventHash: string): Buffer {
  return Buffer.from(`{"eventHash":"${eventHash}","logIndex":${logIndex},"lotId":"${lotId}","seq":${seq},"v":1}`);
}

export function leafHash(logIndex: number, lotId: string, seq: number, eventHash: string): string {
  return leafHashOf(leafBytes(logIndex, lotId, seq, eventHash)).toString('hex');
}

/** Ed25519 over the checkpoint text body, with the raw base64url public key. */
export function checkpointSignatureOk(checkpoint: Checkpoint, rawPublicKey: string): boolean {
  const der = Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), Buffer.from(rawPublicKey, 'base64url')]);
  const key = createPublicKey({ key: der, format: 'der', type: 'spki' });
  const keyId = sha256(Buffer.from(rawPublicKey, 'base64url')).subarray(0, 8).toString('hex');
  if (keyId !== checkpoint.keyId) return false;
  const body =
    `custody-ledger/v1\n${checkpoint.treeSize}\n${hex(checkpoint.rootHash).toString('base64')}\n` +
    `${checkpoint.issuedAt}\n`;
  return verify(null, Buffer.from(body, 'utf8'), key, Buffer.from(checkpoint.signature, 'base64url'));
}

/** Root from an audit path, by RFC 6962 PATH: PATH(m, D[n]) = PATH(…sub-tree…) : sibling-subtree. */
function rootFromPath(m: number, n: number, leaf: Buffer, path: Buffer[]): Buffer {
  if (n === 1) {
    if (path.length !== 0) throw new Error('audit path too long');
    return leaf;
  }
  if (path.length === 0) throw new Error('audit path too short');
  const k = split(n);
  const outer = path[path.length - 1];
  const inner = path.slice(0, -1);
  return m < k
    ? nodeOf(rootFromPath(m, k, leaf, inner), outer)
    : nodeOf(outer, rootFromPath(m - k, n - k, leaf, inner));
}

/** Does `proof` (an InclusionProofJson) prove `leafHashHex` at its index under the signed checkpoint? */
export function inclusionOk(
  proof: { leafIndex: number; treeSize: number; auditPath: string[]; checkpoint: Checkpoint },
  leafHashHex: string,
  rawPublicKey: string,
): boolean {
  if (!checkpointSignatureOk(proof.checkpoint, rawPublicKey)) return false;
  if (proof.treeSize !== proof.checkpoint.treeSize || proof.leafIndex >= proof.treeSize) return false;
  try {
    const root = rootFromPath(proof.leafIndex, proof.treeSize, hex(leafHashHex), proof.auditPath.map(hex));
    return root.equals(hex(proof.checkpoint.rootHash));
  } catch {
    return false;
  }
}

/**
 * Both roots from a consistency proof, by RFC 6962 SUBPROOF(m, D[n], b): proof elements are taken
 * from the end (outermost first). `oldRoot` is the only thing known of the old tree.
 */
function rootsFromConsistency(
  m: number,
  n: number,
  complete: boolean,
  proof: Buffer[],
  oldRoot: Buffer,
): { old: Buffer; new: Buffer } {
  if (m === n) {
    if (complete) return { old: oldRoot, new: oldRoot };
    const node = proof.pop();
    if (!node) throw new Error('consistency proof too short');
    return { old: node, new: node };
  }
  const k = split(n);
  const outer = proof.pop();
  if (!outer) throw new Error('consistency proof too short');
  if (m <= k) {
    const left = rootsFromConsistency(m, k, complete, proof, oldRoot);
    return { old: left.old, new: nodeOf(left.new, outer) };
  }
  const right = rootsFromConsistency(m - k, n - k, false, proof, oldRoot);
  return { old: nodeOf(outer, right.old), new: nodeOf(outer, right.new) };
}

/** Does a ConsistencyProofJson show that `to` extends `from`, both signed by the key? */
export function consistencyOk(
  proof: { from: Checkpoint; to: Checkpoint; consistencyPath: string[] },
  rawPublicKey: string,
): boolean {
  const { from, to } = proof;
  if (!checkpointSignatureOk(from, rawPublicKey) || !checkpointSignatureOk(to, rawPublicKey)) return false;
  const m = from.treeSize;
  const n = to.treeSize;
  if (m > n || m < 1) return false;
  if (m === n) return proof.consistencyPath.length === 0 && from.rootHash === to.rootHash;
  try {
    const rest = proof.consistencyPath.map(hex);
    const roots = rootsFromConsistency(m, n, true, rest, hex(from.rootHash));
    return rest.length === 0 && roots.old.equals(hex(from.rootHash)) && roots.new.equals(hex(to.rootHash));
  } catch {
    return false;
  }
}

/** The root of a whole log from its leaf hashes (RFC 6962 MTH, recursive). */
export function merkleRoot(leafHashes: Buffer[]): Buffer {
  if (leafHashes.length === 0) return sha256();
  if (leafHashes.length === 1) return leafHashes[0];
  const k = split(leafHashes.length);
  return nodeOf(merkleRoot(leafHashes.slice(0, k)), merkleRoot(leafHashes.slice(k)));
}
