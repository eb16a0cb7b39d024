import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import {
  AlignedNodeSubtreeSource,
  MemoryAlignedNodeStore,
  MemoryLeafHashSource,
  MerkleFrontier,
  alignedNodesOf,
  frontierNodeRefs,
  rangeOfNode,
  subtreeHashFromAlignedNodes,
  type AlignedNodeStore,
  type NodeRef,
} from '../../../src/transparency/domain/merkle-frontier';
import {
  consistencyProof,
  consistencyProofRanges,
  emptyRoot,
  inclusionProof,
  inclusionProofRanges,
  isTreeNodeRange,
  leafHash,
  rootFromLeafHashes,
  verifyConsistency,
  verifyInclusion,
} from '../../../src/transparency/domain/merkle';

// =============================================================================================
// Independent reference: the recursive definitions of RFC 6962 §2.1 written out directly, over
// [lo, hi) ranges of one list of leaf data. Nothing here calls the code under test.

const sha256 = (...parts: Uint8Array[]): Buffer => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest();
};
const refLeaf = (d: Uint8Array): Buffer => sha256(Buffer.from([0x00]), d);
const refNode = (l: Uint8Array, r: Uint8Array): Buffer => sha256(Buffer.from([0x01]), l, r);
/** k: the largest power of two smaller than n (n > 1), by multiplication so that it is exact past 2^32. */
const refSplit = (n: number): number => {
  let k = 1;
  while (k * 2 < n) k = k * 2;
  return k;
};

class Reference {
  private readonly memo = new Map<string, Buffer>();
  constructor(private readonly data: readonly Uint8Array[]) {}

  /** MTH(D[lo:hi]) */
  mth(lo: number, hi: number): Buffer {
    const key = `${lo}:${hi}`;
    const hit = this.memo.get(key);
    if (hit) return hit;
    let h: Buffer;
    if (hi === lo) h = sha256();
    else if (hi - lo === 1) h = refLeaf(this.data[lo]);
    else {
      const k = refSplit(hi - lo);
      h = refNode(this.mth(lo, lo + k), this.mth(lo + k, hi));
    }
    this.memo.set(key, h);
    return h;
  }

  /** PATH(m, D[lo:hi]) */
  path(m: number, lo: number, hi: number): Buffer[] {
    const n = hi - lo;
    if (n <= 1) return [];
    const k = refSplit(n);
    if (m < k) return [...this.path(m, lo, lo + k), this.mth(lo + k, hi)];
    return [...this.path(m - k, lo + k, hi), this.mth(lo, lo + k)];
  }

  /** PROOF(m, D[0:n]) = SUBPROOF(m, D[n], true) */
  proof(m: number, n: number): Buffer[] {
    return m === 0 || m === n ? [] : this.subproof(m, 0, n, true);
  }

  private subproof(m: number, lo: number, hi: number, b: boolean): Buffer[] {
    const n = hi - lo;
    if (m === n) return b ? [] : [this.mth(lo, hi)];
    const k = refSplit(n);
    if (m <= k) return [...this.subproof(m, lo, lo + k, b), this.mth(lo + k, hi)];
    return [...this.subproof(m - k, lo + k, hi, false), this.mth(lo, lo + k)];
  }
}

/** Reference inclusion check: rebuild the root by undoing PATH's recursion (no bit tricks). */
function refRootFromPath(index: number, size: number, leaf: Buffer, path: readonly Buffer[]): Buffer | null {
  if (size === 1) return path.length === 0 ? leaf : null;
  if (path.length === 0) return null;
  const k = refSplit(size);
  const sibling = path[path.length - 1];
  const rest = path.slice(0, -1);
  if (index < k) {
    const left = refRootFromPath(index, k, leaf, rest);
    return left && refNode(left, sibling);
  }
  const right = refRootFromPath(index - k, size - k, leaf, rest);
  return right && refNode(sibling, right);
}

/** Reference consistency check: undo SUBPROOF's recursion, yielding the (old, new) subtree roots. */
function refConsistencyRoots(
  m: number,
  n: number,
  proof: readonly Buffer[],
  complete: boolean,
  oldRoot: Buffer,
): { old: Buffer; new: Buffer } | null {
  if (m === n) {
    if (complete) return proof.length === 0 ? { old: oldRoot, new: oldRoot } : null;
    return proof.length === 1 ? { old: proof[0], new: proof[0] } : null;
  }
  if (proof.length === 0) return null;
  const k = refSplit(n);
  const last = proof[proof.length - 1];
  const rest = proof.slice(0, -1);
  if (m <= k) {
    const sub = refConsistencyRoots(m, k, rest, complete, oldRoot);
    return sub && { old: sub.old, new: refNode(sub.new, last) };
  }
  const sub = refConsistencyRoots(m - k, n - k, rest, false, oldRoot);
  return sub && { old: refNode(last, sub.old), new: refNode(last, sub.new) };
}

function refVerifyConsistency(m: number, n: number, rootM: Buffer, rootN: Buffer, proof: readonly Buffer[]): boolean {
  if (m === 0) return proof.length === 0 && rootM.equals(sha256());
  const r = refConsistencyRoots(m, n, proof, true, rootM);
  return r !== null && r.old.equals(rootM) && r.new.equals(rootN);
}

// =============================================================================================

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const hexes = (bs: readonly Uint8Array[]): string[] => bs.map(hex);
const flipBit = (b: Uint8Array, bit: number): Buffer => {
  const c = Buffer.from(b);
  c[Math.floor(bit / 8) % c.length] ^= 1 << (bit % 8);
  return c;
};

/** Leaf data of varying length, including the empty leaf. */
const DATA: Buffer[] = Array.from({ length: 300 }, (_, i) =>
  i === 0 ? Buffer.alloc(0) : Buffer.from(`custody-event-${i}-${'x'.repeat(i % 7)}`),
);
const REF = new Reference(DATA);
const LEAF_HASHES = DATA.map(leafHash);

/** An aligned-node store filled the way the checkpoint job will fill the table. */
function storeFor(size: number): MemoryAlignedNodeStore {
  const store = new MemoryAlignedNodeStore();
  const frontier = MerkleFrontier.empty();
  for (let i = 0; i < size; i++) store.put(frontier.append(LEAF_HASHES[i]));
  return store;
}
const STORE_300 = storeFor(300);
const ALIGNED = new AlignedNodeSubtreeSource(STORE_300);

describe('RFC 6962 test vectors (Certificate Transparency test tree, as used by transparency-dev/merkle)', () => {
  const leaves = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'];
  const leafHashes = leaves.map((h) => leafHash(Buffer.from(h, 'hex')));
  const roots = [
    '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
    'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
    'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
    'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
    '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
    'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
    '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
  ];
  const source = new MemoryLeafHashSource(leafHashes);

  it('empty tree hash is SHA-256 of the empty string', () => {
    assert.equal(hex(emptyRoot()), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    assert.equal(hex(rootFromLeafHashes([])), hex(emptyRoot()));
    assert.equal(hex(MerkleFrontier.empty().root()), hex(emptyRoot()));
  });

  it('roots of the trees of size 1..8', () => {
    const frontier = MerkleFrontier.empty();
    for (let n = 1; n <= 8; n++) {
      frontier.append(leafHashes[n - 1]);
      assert.equal(hex(rootFromLeafHashes(leafHashes.slice(0, n))), roots[n - 1], `root ${n}`);
      assert.equal(hex(frontier.root()), roots[n - 1], `frontier root ${n}`);
    }
  });

  const inclusion: [number, number, string[]][] = [
    [
      0,
      8,
      [
        '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
        '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
        '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
      ],
    ],
    [
      5,
      8,
      [
        'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
        'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
        'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
      ],
    ],
    [2, 3, ['fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125']],
    [
      1,
      5,
      [
        '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
        '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
        'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
      ],
    ],
  ];
  for (const [index, size, expected] of inclusion) {
    it(`inclusion proof of leaf ${index} in the tree of size ${size}`, async () => {
      const proof = await inclusionProof(index, size, source);
      assert.deepEqual(hexes(proof), expected);
      const root = Buffer.from(roots[size - 1], 'hex');
      assert.ok(verifyInclusion(leafHashes[index], index, size, proof, root));
    });
  }

  const consistency: [number, number, string[]][] = [
    [1, 1, []],
    [
      1,
      8,
      [
        '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
        '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
        '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
      ],
    ],
    [
      6,
      8,
      [
        '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
        'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
        'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
      ],
    ],
    [
      2,
      5,
      [
        '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
        'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
      ],
    ],
    [
      6,
      7,
      [
        '0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a',
        'b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f',
        'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
      ],
    ],
  ];
  for (const [m, n, expected] of consistency) {
    it(`consistency proof from size ${m} to size ${n}`, async () => {
      const proof = await consistencyProof(m, n, source);
      assert.deepEqual(hexes(proof), expected);
      const rootM = Buffer.from(roots[m - 1], 'hex');
      const rootN = Buffer.from(roots[n - 1], 'hex');
      assert.ok(verifyConsistency(m, n, rootM, rootN, proof));
      if (m < n) assert.equal(verifyConsistency(m, n, rootN, rootM, proof), false, 'swapped roots');
    });
  }
});

describe('cross-check against the independent RFC 6962 reference, every tree size 1..130', () => {
  const MAX = 130;

  it('roots: level-by-level, frontier and aligned-node store all equal MTH', async () => {
    const frontier = MerkleFrontier.empty();
    for (let n = 1; n <= MAX; n++) {
      frontier.append(LEAF_HASHES[n - 1]);
      const expected = hex(REF.mth(0, n));
      assert.equal(hex(rootFromLeafHashes(LEAF_HASHES.slice(0, n))), expected, `rootFromLeafHashes ${n}`);
      assert.equal(hex(frontier.root()), expected, `frontier ${n}`);
      assert.equal(hex(await ALIGNED.hash(0, n)), expected, `aligned ${n}`);
    }
  });

  it('every inclusion proof (8,515 of them) equals PATH and verifies, by RFC 9162 and by the reference', async () => {
    let checked = 0;
    for (let n = 1; n <= MAX; n++) {
      const root = REF.mth(0, n);
      for (let i = 0; i < n; i++) {
        const expected = REF.path(i, 0, n);
        const proof = await inclusionProof(i, n, ALIGNED);
        assert.deepEqual(hexes(proof), hexes(expected), `PATH(${i}, D[${n}])`);
        assert.ok(verifyInclusion(LEAF_HASHES[i], i, n, proof, root), `verifyInclusion ${i}/${n}`);
        assert.ok(refRootFromPath(i, n, LEAF_HASHES[i], proof)?.equals(root), `reference verifier ${i}/${n}`);
        checked++;
      }
    }
    assert.equal(checked, (MAX * (MAX + 1)) / 2);
  });

  it('the leaf-hash source gives the same proofs as the aligned-node source', async () => {
    const leaves = new MemoryLeafHashSource(LEAF_HASHES.slice(0, MAX));
    for (const n of [1, 2, 3, 7, 8, 9, 63, 64, 65, 100, 127, 128, 129, 130]) {
      for (let i = 0; i < n; i += 3) {
        assert.deepEqual(hexes(await inclusionProof(i, n, leaves)), hexes(await inclusionProof(i, n, ALIGNED)));
      }
      for (let m = 0; m <= n; m += 2) {
        assert.deepEqual(hexes(await consistencyProof(m, n, leaves)), hexes(await consistencyProof(m, n, ALIGNED)));
      }
    }
  });

  it('every consistency proof for 0 <= m <= n <= 130 (8,645 pairs) equals PROOF and verifies both ways', async () => {
    let checked = 0;
    for (let n = 1; n <= MAX; n++) {
      const rootN = REF.mth(0, n);
      for (let m = 0; m <= n; m++) {
        const rootM = REF.mth(0, m);
        const expected = REF.proof(m, n);
        const proof = await consistencyProof(m, n, ALIGNED);
        assert.deepEqual(hexes(proof), hexes(expected), `PROOF(${m}, D[${n}])`);
        assert.ok(verifyConsistency(m, n, rootM, rootN, proof), `verifyConsistency ${m}->${n}`);
        assert.ok(refVerifyConsistency(m, n, rootM, rootN, proof), `reference verifier ${m}->${n}`);
        checked++;
      }
    }
    assert.equal(checked, (MAX * (MAX + 3)) / 2);
  });

  it('proof ranges are nodes of the tree, so the aligned-node table can answer them', () => {
    for (let n = 1; n <= MAX; n++) {
      for (let i = 0; i < n; i++)
        for (const r of inclusionProofRanges(i, n)) assert.ok(isTreeNodeRange(r.start, r.end));
      for (let m = 0; m <= n; m++)
        for (const r of consistencyProofRanges(m, n)) assert.ok(isTreeNodeRange(r.start, r.end));
    }
  });
});

describe('tampering is detected', () => {
  it('a flipped bit in the leaf, any proof element or the root fails inclusion (sizes 1..40, every index)', async () => {
    let probes = 0;
    for (let n = 1; n <= 40; n++) {
      const root = REF.mth(0, n);
      for (let i = 0; i < n; i++) {
        const proof = await inclusionProof(i, n, ALIGNED);
        for (const bit of [0, 7, 100, 255]) {
          assert.equal(verifyInclusion(flipBit(LEAF_HASHES[i], bit), i, n, proof, root), false);
          assert.equal(verifyInclusion(LEAF_HASHES[i], i, n, proof, flipBit(root, bit)), false);
          probes += 2;
          for (let p = 0; p < proof.length; p++) {
            const bad = proof.map((h, j) => (j === p ? flipBit(h, bit) : h));
            assert.equal(verifyInclusion(LEAF_HASHES[i], i, n, bad, root), false, `proof[${p}] bit ${bit} ${i}/${n}`);
            probes++;
          }
        }
        // Another leaf, another index, a truncated or extended path.
        assert.equal(verifyInclusion(LEAF_HASHES[(i + 1) % 300], i, n, proof, root), false);
        if (i + 1 < n) assert.equal(verifyInclusion(LEAF_HASHES[i], i + 1, n, proof, root), false);
        if (i > 0) assert.equal(verifyInclusion(LEAF_HASHES[i], i - 1, n, proof, root), false);
        if (proof.length > 0) assert.equal(verifyInclusion(LEAF_HASHES[i], i, n, proof.slice(0, -1), root), false);
        assert.equal(verifyInclusion(LEAF_HASHES[i], i, n, [...proof, root], root), false);
        assert.equal(verifyInclusion(LEAF_HASHES[i], i, n, [root, ...proof], root), false);
        probes += 4;
      }
    }
    assert.ok(probes > 5000);
  });

  it('a flipped bit in either root or any proof element fails consistency (1 <= m < n <= 40)', async () => {
    for (let n = 2; n <= 40; n++) {
      const rootN = REF.mth(0, n);
      for (let m = 1; m < n; m++) {
        const rootM = REF.mth(0, m);
        const proof = await consistencyProof(m, n, ALIGNED);
        for (const bit of [0, 9, 131, 255]) {
          assert.equal(verifyConsistency(m, n, flipBit(rootM, bit), rootN, proof), false);
          assert.equal(verifyConsistency(m, n, rootM, flipBit(rootN, bit), proof), false);
          for (let p = 0; p < proof.length; p++) {
            const bad = proof.map((h, j) => (j === p ? flipBit(h, bit) : h));
            assert.equal(verifyConsistency(m, n, rootM, rootN, bad), false, `proof[${p}] ${m}->${n}`);
          }
        }
        assert.equal(verifyConsistency(m, n, rootN, rootM, proof), false, 'swapped roots');
        assert.equal(verifyConsistency(m, n, rootM, rootN, []), false, 'empty proof');
        assert.equal(verifyConsistency(m, n, rootM, rootN, proof.slice(0, -1)), false, 'truncated');
        assert.equal(verifyConsistency(m, n, rootM, rootN, [...proof, rootN]), false, 'trailing root');
        assert.equal(verifyConsistency(m, n, rootM, rootN, [proof[0], ...proof]), false, 'duplicated first');
        // A fork: the same old tree, a different new tree (one leaf replaced) does not verify.
        const forked = rootFromLeafHashes(LEAF_HASHES.slice(0, n).map((h, j) => (j === m - 1 ? leafHash(h) : h)));
        assert.equal(verifyConsistency(m, n, rootM, forked, proof), false, `fork ${m}->${n}`);
      }
    }
  });
});

describe('verification edge cases and malformed input', () => {
  const h = LEAF_HASHES[1];
  const root1 = LEAF_HASHES[1];

  it('a one-leaf tree: the root is the leaf hash and the path is empty', () => {
    assert.ok(verifyInclusion(h, 0, 1, [], root1));
    assert.equal(verifyInclusion(h, 0, 1, [h], root1), false);
    assert.equal(verifyInclusion(h, 1, 1, [], root1), false);
  });

  it('out-of-range and malformed arguments verify as false, never throw', () => {
    const bad: unknown[] = [-1, 1.5, NaN, Infinity, 2 ** 53, '1', null];
    for (const x of bad) {
      assert.equal(verifyInclusion(h, x as number, 2, [h], root1), false);
      assert.equal(verifyInclusion(h, 0, x as number, [h], root1), false);
      assert.equal(verifyConsistency(x as number, 2, root1, root1, [h]), false);
      assert.equal(verifyConsistency(1, x as number, root1, root1, [h]), false);
    }
    assert.equal(verifyInclusion(h, 0, 0, [], emptyRoot()), false, 'nothing is in the empty tree');
    assert.equal(verifyInclusion(h.subarray(0, 31), 0, 1, [], root1), false);
    assert.equal(verifyInclusion(h, 0, 1, [], Buffer.alloc(33)), false);
    assert.equal(verifyInclusion(h, 0, 2, [Buffer.alloc(31)], root1), false);
    assert.equal(verifyConsistency(2, 1, root1, root1, []), false, 'time travel');
  });

  it('consistency edge cases: equal sizes, the empty tree', () => {
    const r5 = REF.mth(0, 5);
    assert.ok(verifyConsistency(5, 5, r5, r5, []));
    assert.equal(verifyConsistency(5, 5, r5, REF.mth(0, 6), []), false);
    assert.equal(verifyConsistency(5, 5, r5, r5, [r5]), false);
    assert.ok(verifyConsistency(0, 5, emptyRoot(), r5, []));
    assert.ok(verifyConsistency(0, 0, emptyRoot(), emptyRoot(), []));
    assert.equal(verifyConsistency(0, 5, r5, r5, []), false, 'size 0 must have the empty-tree root');
    assert.equal(verifyConsistency(0, 5, emptyRoot(), r5, [r5]), false);
  });

  it('proof generators refuse impossible requests', async () => {
    assert.throws(() => inclusionProofRanges(5, 5), RangeError);
    assert.throws(() => inclusionProofRanges(0, 0), RangeError);
    assert.throws(() => inclusionProofRanges(-1, 5), RangeError);
    assert.throws(() => consistencyProofRanges(6, 5), RangeError);
    assert.throws(() => consistencyProofRanges(1.5, 5), RangeError);
    await assert.rejects(inclusionProof(0, 301, ALIGNED), /not stored/);
    await assert.rejects(inclusionProof(0, 301, new MemoryLeafHashSource(LEAF_HASHES)), RangeError);
  });
});

describe('large logs: exact arithmetic past 2^32 leaves', () => {
  // A tree in which every leaf is L except leaf `special`, which is X. Perfect subtrees without X all
  // have the same hash P(h) = node(P(h-1), P(h-1)); those containing X are computed along X's path
  // only. The store therefore answers any node of a tree with up to 2^53 leaves in O(log n).
  const L = refLeaf(Buffer.from('ordinary'));
  const X = refLeaf(Buffer.from('special'));
  class SparseStore implements AlignedNodeStore {
    private readonly plain: Buffer[] = [L];
    private readonly memo = new Map<string, Buffer>();
    constructor(private readonly special: number) {}
    node(level: number, index: number): Buffer {
      const { start, end } = rangeOfNode({ level, index });
      if (this.special < start || this.special >= end) {
        while (this.plain.length <= level) {
          const below = this.plain[this.plain.length - 1];
          this.plain.push(refNode(below, below));
        }
        return this.plain[level];
      }
      if (level === 0) return X;
      const key = `${level}:${index}`;
      let h = this.memo.get(key);
      if (!h) {
        h = refNode(this.node(level - 1, index * 2), this.node(level - 1, index * 2 + 1));
        this.memo.set(key, h);
      }
      return h;
    }
    leaf(i: number): Buffer {
      return i === this.special ? X : L;
    }
    getNodes(refs: readonly NodeRef[]): Promise<Buffer[]> {
      return Promise.resolve(refs.map((r) => this.node(r.level, r.index)));
    }
  }

  const sizes = [2 ** 32 + 3, 2 ** 40 + 12345, 2 ** 52 + 2 ** 31 + 7, Number.MAX_SAFE_INTEGER];
  for (const n of sizes) {
    it(`inclusion and consistency in a tree of ${n} leaves`, async () => {
      const special = n - 1 - 2 ** 31; // straddles the 32-bit boundary
      const store = new SparseStore(special);
      const source = new AlignedNodeSubtreeSource(store);
      const root = await source.hash(0, n);
      for (const i of [
        0,
        1,
        2 ** 31 - 1,
        2 ** 31,
        2 ** 32 - 1,
        2 ** 32,
        special - 1,
        special,
        special + 1,
        n - 2,
        n - 1,
      ]) {
        const proof = await inclusionProof(i, n, source);
        assert.ok(verifyInclusion(store.leaf(i), i, n, proof, root), `leaf ${i}`);
        assert.ok(refRootFromPath(i, n, store.leaf(i), proof)?.equals(root), `reference, leaf ${i}`);
        assert.equal(verifyInclusion(store.leaf(i), i, n, proof.slice(0, -1), root), false);
        if (i !== special) assert.equal(verifyInclusion(X, i, n, proof, root), false, `X is not at ${i}`);
      }
      for (const m of [1, 2 ** 31 + 1, 2 ** 32, 2 ** 32 + 1, special, special + 1, n - 1]) {
        const rootM = await source.hash(0, m);
        const proof = await consistencyProof(m, n, source);
        assert.ok(verifyConsistency(m, n, rootM, root, proof), `${m} -> ${n}`);
        assert.ok(refVerifyConsistency(m, n, rootM, root, proof), `reference ${m} -> ${n}`);
        if (proof.length > 0) assert.equal(verifyConsistency(m, n, rootM, root, proof.slice(1)), false);
      }
    });
  }
});

describe('aligned nodes and the frontier', () => {
  it('frontier append equals full recomputation for every size 1..300, and survives JSON at every size', () => {
    let frontier = MerkleFrontier.empty();
    for (let n = 1; n <= 300; n++) {
      frontier.append(LEAF_HASHES[n - 1]);
      assert.equal(frontier.size, n);
      assert.equal(hex(frontier.root()), hex(REF.mth(0, n)), `root ${n}`);
      const json = JSON.parse(JSON.stringify(frontier)) as unknown;
      frontier = MerkleFrontier.fromJSON(json); // continue from the persisted form
      assert.equal(hex(frontier.root()), hex(REF.mth(0, n)));
      assert.equal(frontier.toJSON().hashes.length, frontierNodeRefs(n).length);
    }
  });

  it('append reports exactly the aligned nodes it completes, each equal to MTH of its range', () => {
    const frontier = MerkleFrontier.empty();
    const seen = new Set<string>();
    for (let n = 1; n <= 300; n++) {
      const done = frontier.append(LEAF_HASHES[n - 1]);
      assert.deepEqual(done[0], { level: 0, index: n - 1, hash: LEAF_HASHES[n - 1] });
      for (const node of done) {
        const { start, end } = rangeOfNode(node);
        assert.equal(end, n, 'a node is completed by its last leaf');
        assert.equal(hex(node.hash), hex(REF.mth(start, end)));
        const key = `${node.level}:${node.index}`;
        assert.ok(!seen.has(key), 'each node is reported once');
        seen.add(key);
      }
      // All aligned nodes inside [0, n) have been reported: sum over h of floor(n / 2^h).
      let expected = 0;
      for (let w = 1; w <= n; w *= 2) expected += Math.floor(n / w);
      assert.equal(seen.size, expected);
    }
  });

  it('fromAlignedNodes rebuilds the frontier of any size from the node table', async () => {
    for (let n = 0; n <= 300; n += 7) {
      const rebuilt = await MerkleFrontier.fromAlignedNodes(n, STORE_300);
      assert.equal(hex(rebuilt.root()), hex(REF.mth(0, n)));
      rebuilt.append(LEAF_HASHES[n]);
      assert.equal(hex(rebuilt.root()), hex(REF.mth(0, n + 1)));
    }
  });

  it('clone is independent of the original', () => {
    const a = MerkleFrontier.empty();
    a.append(LEAF_HASHES[0]);
    const b = a.clone();
    b.append(LEAF_HASHES[1]);
    assert.equal(a.size, 1);
    assert.equal(hex(a.root()), hex(REF.mth(0, 1)));
    assert.equal(hex(b.root()), hex(REF.mth(0, 2)));
  });

  it('fromJSON refuses inconsistent input', () => {
    const good = (() => {
      const f = MerkleFrontier.empty();
      for (let i = 0; i < 6; i++) f.append(LEAF_HASHES[i]);
      return f.toJSON();
    })();
    assert.equal(good.hashes.length, 2);
    assert.throws(() => MerkleFrontier.fromJSON({ ...good, size: 7 }), /has 3 hashes/);
    assert.throws(() => MerkleFrontier.fromJSON({ ...good, hashes: good.hashes.slice(1) }));
    assert.throws(() => MerkleFrontier.fromJSON({ ...good, hashes: [good.hashes[0], 'AB'.repeat(32)] }));
    assert.throws(() => MerkleFrontier.fromJSON({ ...good, size: -1 }));
    assert.throws(() => MerkleFrontier.fromJSON(null));
    assert.throws(() => MerkleFrontier.empty().append(Buffer.alloc(31)), RangeError);
  });

  it('any node range of the tree is answered from at most log2 + 1 aligned nodes and equals MTH', async () => {
    let ranges = 0;
    for (let start = 0; start < 130; start++) {
      for (let end = start + 1; end <= 130; end++) {
        if (!isTreeNodeRange(start, end)) {
          assert.throws(() => alignedNodesOf(start, end), RangeError);
          continue;
        }
        const refs = alignedNodesOf(start, end);
        assert.ok(refs.length <= Math.ceil(Math.log2(end - start)) + 1);
        const lookups: string[] = [];
        const h = await subtreeHashFromAlignedNodes(start, end, async (level, index) => {
          lookups.push(`${level}:${index}`);
          return (await STORE_300.getNodes([{ level, index }]))[0];
        });
        assert.equal(hex(h), hex(REF.mth(start, end)), `[${start}, ${end})`);
        assert.equal(lookups.length, refs.length);
        ranges++;
      }
    }
    assert.ok(ranges > 500);
  });

  it('one batched lookup per proof from the aligned-node source', async () => {
    const calls: number[] = [];
    const counting: AlignedNodeStore = {
      getNodes: (refs) => {
        calls.push(refs.length);
        return STORE_300.getNodes(refs);
      },
    };
    const source = new AlignedNodeSubtreeSource(counting);
    await inclusionProof(77, 299, source);
    await consistencyProof(99, 299, source);
    assert.equal(calls.length, 2);
  });

  it('the in-memory store refuses to overwrite a node with another hash', () => {
    const store = new MemoryAlignedNodeStore();
    store.put([{ level: 0, index: 0, hash: LEAF_HASHES[0] }]);
    store.put([{ level: 0, index: 0, hash: LEAF_HASHES[0] }]);
    assert.throws(() => store.put([{ level: 0, index: 0, hash: LEAF_HASHES[1] }]), /already holds/);
  });
});
