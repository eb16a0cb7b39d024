import { isTreeSize, largestPowerOfTwoBelow, nodeHash, HASH_SIZE, type SubtreeRange } from './merkle';

/**
 * Inclusion of many leaves at once (a "multi-proof"): to show that leaves i1 < i2 < … are in the
 * tree of size n, a verifier needs, besides those leaves, only the hashes of the maximal RFC 6962
 * subtrees that contain none of them. Recomputing the root from both and comparing it with the
 * signed root proves every leaf at its index at once, with O(k·log(n/k)) hashes for k leaves
 * instead of k·log(n) for k separate audit paths. Used by the tamper audit of a lot, whose events
 * are often neighbours in the log. If the root differs, nothing says which leaf is wrong: check
 * them one by one (verifyInclusion) to find it.
 */

function assertLeaves(indexes: readonly number[], treeSize: number): void {
  if (!isTreeSize(treeSize)) throw new RangeError(`treeSize must be a non-negative safe integer, got ${treeSize}`);
  for (let i = 0; i < indexes.length; i++) {
    const x = indexes[i];
    if (!isTreeSize(x) || x >= treeSize) throw new RangeError(`leaf index ${x} is outside a tree of size ${treeSize}`);
    if (i > 0 && x <= indexes[i - 1]) throw new RangeError('leaf indexes must be strictly increasing');
  }
}

/** First position in sorted `xs` at or after `from` whose value is >= `v`. */
function lowerBound(xs: readonly number[], v: number, from: number, to: number): number {
  let lo = from;
  let hi = to;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (xs[mid] < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The maximal subtrees of the tree of size `treeSize` that contain none of the leaves at
 * `indexes` (strictly increasing), left to right. Every range is a node of the RFC 6962 tree, so
 * `AlignedNodeSubtreeSource` can answer them in one query. Empty when the leaves are the whole tree.
 */
export function complementRanges(indexes: readonly number[], treeSize: number): SubtreeRange[] {
  assertLeaves(indexes, treeSize);
  if (indexes.length === 0) throw new RangeError('at least one leaf is needed');
  const out: SubtreeRange[] = [];
  const walk = (lo: number, hi: number, from: number, to: number): void => {
    if (from === to) {
      out.push({ start: lo, end: hi });
      return;
    }
    if (hi - lo === 1) return;
    const mid = lo + largestPowerOfTwoBelow(hi - lo);
    const cut = lowerBound(indexes, mid, from, to);
    walk(lo, mid, from, cut);
    walk(mid, hi, cut, to);
  };
  walk(0, treeSize, 0, indexes.length);
  return out;
}

/**
 * The root of the tree of size `treeSize` from the hashes of the leaves at `indexes` (strictly
 * increasing, hashes in the same order) and the hashes of `complementRanges(indexes, treeSize)`
 * (in that order).
 */
export function rootFromLeavesAndComplement(
  indexes: readonly number[],
  leafHashes: readonly Uint8Array[],
  treeSize: number,
  complement: readonly Uint8Array[],
): Buffer {
  assertLeaves(indexes, treeSize);
  if (indexes.length === 0) throw new RangeError('at least one leaf is needed');
  if (leafHashes.length !== indexes.length || leafHashes.some((h) => h.length !== HASH_SIZE)) {
    throw new RangeError('one 32-byte hash per leaf index is needed');
  }
  if (complement.some((h) => h.length !== HASH_SIZE)) throw new RangeError('complement hashes must be 32 bytes');
  let next = 0;
  const walk = (lo: number, hi: number, from: number, to: number): Buffer => {
    if (from === to) {
      if (next >= complement.length) throw new RangeError('too few complement hashes');
      return Buffer.from(complement[next++]);
    }
    if (hi - lo === 1) return Buffer.from(leafHashes[from]);
    const mid = lo + largestPowerOfTwoBelow(hi - lo);
    const cut = lowerBound(indexes, mid, from, to);
    const left = walk(lo, mid, from, cut);
    return nodeHash(left, walk(mid, hi, cut, to));
  };
  const root = walk(0, treeSize, 0, indexes.length);
  if (next !== complement.length) throw new RangeError('too many complement hashes');
  return root;
}
