import { createHash } from 'node:crypto';

/**
 * RFC 6962 §2.1 Merkle tree hashing (the Certificate Transparency tree, also RFC 9162 §2.1) with
 * SHA-256, audit paths and consistency proofs, and their verification by the RFC 9162 §2.1.3.2 and
 * §2.1.4.2 algorithms.
 *
 *   MTH({})        = SHA-256()                                   (the empty string)
 *   MTH({d(0)})    = SHA-256(0x00 || d(0))                       (leaf hash)
 *   MTH(D[n])      = SHA-256(0x01 || MTH(D[0:k]) || MTH(D[k:n])) (node hash)
 *                    where k is the largest power of two smaller than n
 *
 * Sizes and indexes are plain numbers, exact up to Number.MAX_SAFE_INTEGER (2^53 - 1): every
 * computation uses arithmetic, never the 32-bit bitwise operators.
 *
 * Only `node:crypto` is imported: this module is part of the offline verifier.
 */

export const HASH_SIZE = 32;

/** A half-open range of leaf indexes [start, end) whose MTH is one hash of a proof. */
export interface SubtreeRange {
  start: number;
  end: number;
}

/**
 * Where proof generators read subtree hashes from. `hash(start, end)` returns MTH(D[start:end]) for
 * 0 <= start < end. Generators only ask for ranges that are nodes of an RFC 6962 tree (see
 * `isTreeNodeRange`), so a database can answer from stored aligned nodes (see merkle-frontier.ts).
 * `hashes(ranges)`, when present, is used instead so that a proof costs one round trip.
 */
export interface SubtreeHashSource {
  hash(start: number, end: number): Promise<Buffer>;
  hashes?(ranges: readonly SubtreeRange[]): Promise<Buffer[]>;
}

const EMPTY_ROOT = createHash('sha256').digest();

/** MTH of the empty tree: SHA-256 of the empty string (e3b0c442…b855). */
export function emptyRoot(): Buffer {
  return Buffer.from(EMPTY_ROOT);
}

/** Leaf hash: SHA-256(0x00 || data). */
export function leafHash(data: Uint8Array): Buffer {
  return createHash('sha256').update(Uint8Array.of(0)).update(data).digest();
}

/** Interior node hash: SHA-256(0x01 || left || right). Both inputs must be 32-byte hashes. */
export function nodeHash(left: Uint8Array, right: Uint8Array): Buffer {
  if (left.length !== HASH_SIZE || right.length !== HASH_SIZE)
    throw new RangeError('node hash inputs must be 32 bytes');
  return createHash('sha256').update(Uint8Array.of(1)).update(left).update(right).digest();
}

/**
 * MTH over the given leaf hashes (already `leafHash`ed), computed level by level: adjacent nodes
 * are paired and an odd last node is carried up unchanged, which is the RFC 6962 shape.
 */
export function rootFromLeafHashes(hashes: readonly Uint8Array[]): Buffer {
  if (hashes.length === 0) return emptyRoot();
  let level: Uint8Array[] = hashes.map((h) => {
    if (h.length !== HASH_SIZE) throw new RangeError('leaf hashes must be 32 bytes');
    return h;
  });
  while (level.length > 1) {
    const next: Uint8Array[] = [];
    for (let i = 0; i + 1 < level.length; i += 2) next.push(nodeHash(level[i], level[i + 1]));
    if (level.length % 2 === 1) next.push(level[level.length - 1]);
    level = next;
  }
  return Buffer.from(level[0]);
}

// ---------------------------------------------------------------------------------------------
// Integer helpers (safe for every index below 2^53).

export function isTreeSize(n: unknown): n is number {
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;
}

function assertSize(name: string, n: number): void {
  if (!isTreeSize(n)) throw new RangeError(`${name} must be a non-negative safe integer, got ${String(n)}`);
}

/** The largest power of two strictly smaller than n (n >= 2): the RFC 6962 split point k. */
export function largestPowerOfTwoBelow(n: number): number {
  if (!isTreeSize(n) || n < 2) throw new RangeError(`split needs n >= 2, got ${String(n)}`);
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** The smallest power of two >= n (n >= 1). */
export function powerOfTwoAtLeast(n: number): number {
  if (!isTreeSize(n) || n < 1) throw new RangeError(`needs n >= 1, got ${String(n)}`);
  let p = 1;
  while (p < n) p *= 2;
  return p;
}

export function isPowerOfTwo(n: number): boolean {
  return isTreeSize(n) && n >= 1 && powerOfTwoAtLeast(n) === n;
}

const half = (x: number): number => Math.floor(x / 2);
const isOdd = (x: number): boolean => x % 2 === 1;

/**
 * True when [start, end) is a node of an RFC 6962 tree: start is a multiple of the smallest power of
 * two >= end - start. Perfect subtrees [k·2^h, (k+1)·2^h) and right-edge subtrees [k·2^h, n) with
 * n - k·2^h < 2^h are exactly these. Every range a proof needs has this form.
 */
export function isTreeNodeRange(start: number, end: number): boolean {
  return isTreeSize(start) && isTreeSize(end) && end > start && start % powerOfTwoAtLeast(end - start) === 0;
}

// ---------------------------------------------------------------------------------------------
// Proof generation (RFC 6962 §2.1.1 PATH and §2.1.2 PROOF), expressed as the list of subtree
// ranges whose hashes form the proof, so that a caller can fetch them in one batch.

/**
 * The ranges of the audit path PATH(leafIndex, D[treeSize]), in proof order (the leaf's sibling
 * first, the root's other child last).
 */
export function inclusionProofRanges(leafIndex: number, treeSize: number): SubtreeRange[] {
  assertSize('treeSize', treeSize);
  assertSize('leafIndex', leafIndex);
  if (leafIndex >= treeSize) throw new RangeError(`leafIndex ${leafIndex} is outside a tree of size ${treeSize}`);
  const outerFirst: SubtreeRange[] = [];
  let lo = 0;
  let hi = treeSize;
  let m = leafIndex;
  while (hi - lo > 1) {
    const k = largestPowerOfTwoBelow(hi - lo);
    if (m < k) {
      outerFirst.push({ start: lo + k, end: hi });
      hi = lo + k;
    } else {
      outerFirst.push({ start: lo, end: lo + k });
      lo += k;
      m -= k;
    }
  }
  return outerFirst.reverse();
}

/**
 * The ranges of the consistency proof PROOF(m, D[n]) (RFC 6962 §2.1.2, SUBPROOF with b = true), in
 * proof order. Empty when m = 0 or m = n.
 */
export function consistencyProofRanges(m: number, n: number): SubtreeRange[] {
  assertSize('m', m);
  assertSize('n', n);
  if (m > n) throw new RangeError(`consistency needs m <= n, got m=${m} n=${n}`);
  if (m === 0 || m === n) return [];
  const outerFirst: SubtreeRange[] = [];
  let innermost: SubtreeRange | null = null;
  let lo = 0;
  let hi = n;
  let rel = m;
  let complete = true; // the "b" flag of SUBPROOF: the subtree is still the whole old tree's left edge
  for (;;) {
    const size = hi - lo;
    if (rel === size) {
      if (!complete) innermost = { start: lo, end: hi };
      break;
    }
    const k = largestPowerOfTwoBelow(size);
    if (rel <= k) {
      outerFirst.push({ start: lo + k, end: hi });
      hi = lo + k;
    } else {
      outerFirst.push({ start: lo, end: lo + k });
      lo += k;
      rel -= k;
      complete = false;
    }
  }
  const proof = outerFirst.reverse();
  return innermost ? [innermost, ...proof] : proof;
}

async function hashesOf(source: SubtreeHashSource, ranges: SubtreeRange[]): Promise<Buffer[]> {
  if (ranges.length === 0) return [];
  const hashes = source.hashes
    ? await source.hashes(ranges)
    : await Promise.all(ranges.map((r) => source.hash(r.start, r.end)));
  if (hashes.length !== ranges.length || hashes.some((h) => h.length !== HASH_SIZE)) {
    throw new Error('subtree hash source returned a wrong number of hashes or a hash that is not 32 bytes');
  }
  return hashes;
}

/** The audit path for leaf `leafIndex` in the tree of size `treeSize` (RFC 6962 §2.1.1). */
export async function inclusionProof(
  leafIndex: number,
  treeSize: number,
  source: SubtreeHashSource,
): Promise<Buffer[]> {
  return hashesOf(source, inclusionProofRanges(leafIndex, treeSize));
}

/** The consistency proof between the trees of sizes m <= n (RFC 6962 §2.1.2). */
export async function consistencyProof(m: number, n: number, source: SubtreeHashSource): Promise<Buffer[]> {
  return hashesOf(source, consistencyProofRanges(m, n));
}

// ---------------------------------------------------------------------------------------------
// Verification. Malformed input (wrong lengths, sizes out of range) verifies as false; nothing throws.

const isHash = (h: unknown): h is Uint8Array => h instanceof Uint8Array && h.length === HASH_SIZE;
const same = (a: Uint8Array, b: Uint8Array): boolean => Buffer.from(a).equals(Buffer.from(b));

/**
 * RFC 9162 §2.1.3.2: does `proof` show that `leaf` (a leaf hash) is entry `index` of the tree of
 * size `treeSize` whose root is `root`?
 */
export function verifyInclusion(
  leaf: Uint8Array,
  index: number,
  treeSize: number,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): boolean {
  if (!isTreeSize(index) || !isTreeSize(treeSize) || index >= treeSize) return false;
  if (!isHash(leaf) || !isHash(root) || !Array.isArray(proof) || !proof.every(isHash)) return false;
  let fn = index;
  let sn = treeSize - 1;
  let r: Uint8Array = leaf;
  for (const p of proof) {
    if (sn === 0) return false;
    if (isOdd(fn) || fn === sn) {
      r = nodeHash(p, r);
      if (!isOdd(fn)) {
        while (!isOdd(fn) && fn !== 0) {
          fn = half(fn);
          sn = half(sn);
        }
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && same(r, root);
}

/**
 * RFC 9162 §2.1.4.2: does `proof` show that the tree of size n with root `rootN` extends the tree of
 * size m with root `rootM`? Edge cases: m = n needs an empty proof and equal roots; m = 0 needs an
 * empty proof and `rootM` equal to the empty-tree hash; m > n never verifies.
 */
export function verifyConsistency(
  m: number,
  n: number,
  rootM: Uint8Array,
  rootN: Uint8Array,
  proof: readonly Uint8Array[],
): boolean {
  if (!isTreeSize(m) || !isTreeSize(n) || m > n) return false;
  if (!isHash(rootM) || !isHash(rootN) || !Array.isArray(proof) || !proof.every(isHash)) return false;
  if (m === n) return proof.length === 0 && same(rootM, rootN);
  if (m === 0) return proof.length === 0 && same(rootM, EMPTY_ROOT);
  if (proof.length === 0) return false;
  const path: readonly Uint8Array[] = isPowerOfTwo(m) ? [rootM, ...proof] : proof;
  let fn = m - 1;
  let sn = n - 1;
  while (isOdd(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  let fr: Uint8Array = path[0];
  let sr: Uint8Array = path[0];
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (isOdd(fn) || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      if (!isOdd(fn)) {
        while (!isOdd(fn) && fn !== 0) {
          fn = half(fn);
          sn = half(sn);
        }
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = half(fn);
    sn = half(sn);
  }
  return sn === 0 && same(fr, rootM) && same(sr, rootN);
}

// ---------------------------------------------------------------------------------------------
// Hex, the encoding of hashes in every JSON shape of the log.

const HEX_HASH = /^[0-9a-f]{64}$/;

/** Lowercase hex of a hash. */
export function hashToHex(hash: Uint8Array): string {
  return Buffer.from(hash).toString('hex');
}

/** Parses a 64-character lowercase hex hash; null when it is anything else. */
export function hashFromHex(hex: unknown): Buffer | null {
  return typeof hex === 'string' && HEX_HASH.test(hex) ? Buffer.from(hex, 'hex') : null;
}
