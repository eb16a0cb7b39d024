import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { complementRanges, rootFromLeavesAndComplement } from '../../../src/transparency/domain/batch-inclusion';
import { isTreeNodeRange, leafHash, rootFromLeafHashes } from '../../../src/transparency/domain/merkle';
import {
  AlignedNodeSubtreeSource,
  MemoryAlignedNodeStore,
  MemoryLeafHashSource,
  MerkleFrontier,
} from '../../../src/transparency/domain/merkle-frontier';

const leaves = (n: number) =>
  Array.from({ length: n }, (_, i) => leafHash(createHash('sha256').update(`leaf ${i}`).digest()));

/** Sorted unique indexes below n from a fast-check array. */
const pick = (raw: number[], n: number) => [...new Set(raw.map((x) => x % n))].sort((a, b) => a - b);

describe('batch inclusion (multi-proof) of many leaves', () => {
  it('recomputes the RFC 6962 root from any subset of leaves and the complement subtrees', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 300 }),
        fc.array(fc.nat(), { minLength: 1, maxLength: 40 }),
        async (n, raw) => {
          const all = leaves(n);
          const indexes = pick(raw, n);
          const ranges = complementRanges(indexes, n);
          for (const r of ranges) assert.ok(isTreeNodeRange(r.start, r.end));
          // The ranges and the leaves tile [0, n) exactly.
          const covered = new Set(indexes);
          for (const r of ranges) {
            for (let i = r.start; i < r.end; i++) {
              assert.ok(!covered.has(i));
              covered.add(i);
            }
          }
          assert.equal(covered.size, n);
          const source = new MemoryLeafHashSource(all);
          const complement = await Promise.all(ranges.map((r) => source.hash(r.start, r.end)));
          const root = rootFromLeavesAndComplement(
            indexes,
            indexes.map((i) => all[i]),
            n,
            complement,
          );
          assert.deepEqual(root, rootFromLeafHashes(all));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('a changed leaf, a wrong index or a wrong complement changes the root', () => {
    const n = 77;
    const all = leaves(n);
    const frontier = MerkleFrontier.empty();
    const store = new MemoryAlignedNodeStore();
    for (const h of all) store.put(frontier.append(h));
    const indexes = [3, 4, 5, 40, 76];
    const ranges = complementRanges(indexes, n);
    return new AlignedNodeSubtreeSource(store).hashes(ranges).then((complement) => {
      const root = frontier.root();
      const ok = rootFromLeavesAndComplement(
        indexes,
        indexes.map((i) => all[i]),
        n,
        complement,
      );
      assert.deepEqual(ok, root);
      const changed = indexes.map((i) => all[i]);
      changed[3] = leafHash(Buffer.from('forged'));
      assert.notDeepEqual(rootFromLeavesAndComplement(indexes, changed, n, complement), root);
      const swapped = [all[3], all[5], all[4], all[40], all[76]];
      assert.notDeepEqual(rootFromLeavesAndComplement(indexes, swapped, n, complement), root);
      const tampered = [...complement];
      tampered[0] = leafHash(Buffer.from('x'));
      assert.notDeepEqual(
        rootFromLeavesAndComplement(
          indexes,
          indexes.map((i) => all[i]),
          n,
          tampered,
        ),
        root,
      );
    });
  });

  it('every leaf: no complement; refuses bad input', () => {
    const all = leaves(5);
    assert.deepEqual(complementRanges([0, 1, 2, 3, 4], 5), []);
    assert.deepEqual(rootFromLeavesAndComplement([0, 1, 2, 3, 4], all, 5, []), rootFromLeafHashes(all));
    assert.throws(() => complementRanges([], 5), RangeError);
    assert.throws(() => complementRanges([5], 5), RangeError);
    assert.throws(() => complementRanges([2, 1], 5), RangeError);
    assert.throws(() => rootFromLeavesAndComplement([1], [all[1]], 5, []), /too few/);
    const ranges = complementRanges([1], 5);
    const extra = [...ranges.map(() => all[0]), all[0]];
    assert.throws(() => rootFromLeavesAndComplement([1], [all[1]], 5, extra), /too many/);
  });
});
