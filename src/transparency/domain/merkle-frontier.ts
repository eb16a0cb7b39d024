import {
  HASH_SIZE,
  emptyRoot,
  hashFromHex,
  hashToHex,
  isTreeNodeRange,
  isTreeSize,
  nodeHash,
  powerOfTwoAtLeast,
  rootFromLeafHashes,
  type SubtreeHashSource,
  type SubtreeRange,
} from './merkle';

/**
 * Storage-friendly pieces of the RFC 6962 tree:
 *
 * - Aligned nodes: the perfect subtree at `level` h and `index` k covers leaves [k·2^h, (k+1)·2^h);
 *   level 0 holds the leaf hashes. Once complete, an aligned node never changes, so a table
 *   `(level, index) -> hash` is append-only. Any subtree a proof needs is the fold of at most
 *   ~log2(n) aligned nodes (`alignedNodesOf`), and a proof costs one batched lookup.
 * - `MerkleFrontier` (a "compact range" over [0, size)): the O(log n) perfect-subtree roots that
 *   cover the log so far. A checkpoint job appends new leaf hashes in log order and gets the new root
 *   without rereading old leaves; each append reports the aligned nodes it completed, to be inserted
 *   into the node table in the same transaction.
 */

export interface NodeRef {
  /** Height of the perfect subtree: 0 = leaf. */
  level: number;
  /** Position among the subtrees of that height: covers leaves [index·2^level, (index+1)·2^level). */
  index: number;
}

export interface AlignedNode extends NodeRef {
  hash: Buffer;
}

/**
 * A store of aligned nodes, e.g. a table `ledger_merkle_nodes(level smallint, index bigint,
 * hash bytea, primary key (level, index))`. `getNodes` returns the hashes in the order of `refs`
 * and must throw if one is missing (a proof is then impossible, never silently wrong).
 */
export interface AlignedNodeStore {
  getNodes(refs: readonly NodeRef[]): Promise<Buffer[]>;
}

function pow2(level: number): number {
  return 2 ** level;
}

/** The leaves covered by an aligned node. */
export function rangeOfNode(ref: NodeRef): SubtreeRange {
  const width = pow2(ref.level);
  return { start: ref.index * width, end: (ref.index + 1) * width };
}

/**
 * The aligned nodes, left to right (decreasing height), whose fold is MTH(D[start:end]). The range
 * must be a node of an RFC 6962 tree (`isTreeNodeRange`): then the list has popcount(end - start)
 * entries and MTH = node(a1, node(a2, … node(a_{j-1}, a_j))).
 */
export function alignedNodesOf(start: number, end: number): NodeRef[] {
  if (!isTreeNodeRange(start, end)) {
    throw new RangeError(`[${start}, ${end}) is not a node of an RFC 6962 tree; its hash is not stored`);
  }
  const refs: NodeRef[] = [];
  let pos = start;
  let remaining = end - start;
  let width = powerOfTwoAtLeast(remaining);
  let level = 0;
  while (pow2(level) < width) level += 1;
  while (remaining > 0) {
    if (width <= remaining) {
      refs.push({ level, index: pos / width });
      pos += width;
      remaining -= width;
    }
    width /= 2;
    level -= 1;
  }
  return refs;
}

/** Folds aligned-node hashes (in `alignedNodesOf` order) into the subtree hash. */
export function foldAlignedNodes(hashes: readonly Uint8Array[]): Buffer {
  if (hashes.length === 0) throw new RangeError('nothing to fold');
  let acc: Buffer = Buffer.from(hashes[hashes.length - 1]);
  for (let i = hashes.length - 2; i >= 0; i--) acc = nodeHash(hashes[i], acc);
  return acc;
}

/**
 * Answers MTH(D[start:end]) for any tree-node range from aligned nodes, with at most
 * ceil(log2(end - start)) + 1 lookups. `lookup` may be synchronous or asynchronous.
 */
export async function subtreeHashFromAlignedNodes(
  start: number,
  end: number,
  lookup: (level: number, index: number) => Buffer | Promise<Buffer>,
): Promise<Buffer> {
  const refs = alignedNodesOf(start, end);
  const hashes = await Promise.all(refs.map((r) => lookup(r.level, r.index)));
  return foldAlignedNodes(hashes);
}

/** The aligned nodes that make up the frontier of a tree of `size` leaves (left to right). */
export function frontierNodeRefs(size: number): NodeRef[] {
  if (!isTreeSize(size)) throw new RangeError(`size must be a non-negative safe integer, got ${String(size)}`);
  return size === 0 ? [] : alignedNodesOf(0, size);
}

/**
 * A `SubtreeHashSource` over an `AlignedNodeStore`: each proof is one `getNodes` call with the
 * deduplicated aligned nodes of all its ranges.
 */
export class AlignedNodeSubtreeSource implements SubtreeHashSource {
  constructor(private readonly store: AlignedNodeStore) {}

  async hash(start: number, end: number): Promise<Buffer> {
    const [h] = await this.hashes([{ start, end }]);
    return h;
  }

  async hashes(ranges: readonly SubtreeRange[]): Promise<Buffer[]> {
    const perRange = ranges.map((r) => alignedNodesOf(r.start, r.end));
    const unique = new Map<string, NodeRef>();
    for (const refs of perRange) for (const ref of refs) unique.set(`${ref.level}:${ref.index}`, ref);
    const wanted = [...unique.values()];
    if (wanted.length === 0) return [];
    const found = await this.store.getNodes(wanted);
    if (found.length !== wanted.length) throw new Error('aligned node store returned a wrong number of hashes');
    const byKey = new Map<string, Buffer>();
    wanted.forEach((ref, i) => byKey.set(`${ref.level}:${ref.index}`, found[i]));
    return perRange.map((refs) => foldAlignedNodes(refs.map((ref) => byKey.get(`${ref.level}:${ref.index}`)!)));
  }
}

/** A `SubtreeHashSource` over leaf hashes held in memory (answers any range; O(end - start)). */
export class MemoryLeafHashSource implements SubtreeHashSource {
  constructor(private readonly leafHashes: readonly Buffer[]) {}

  hash(start: number, end: number): Promise<Buffer> {
    if (!(isTreeSize(start) && isTreeSize(end) && start < end && end <= this.leafHashes.length)) {
      return Promise.reject(new RangeError(`range [${start}, ${end}) is outside the ${this.leafHashes.length} leaves`));
    }
    return Promise.resolve(rootFromLeafHashes(this.leafHashes.slice(start, end)));
  }
}

/** An in-memory `AlignedNodeStore` filled from `MerkleFrontier.append` results (tests, tools). */
export class MemoryAlignedNodeStore implements AlignedNodeStore {
  private readonly levels: Buffer[][] = [];

  put(nodes: readonly AlignedNode[]): void {
    for (const n of nodes) {
      const level = (this.levels[n.level] ??= []);
      const existing = level[n.index];
      if (existing && !existing.equals(n.hash)) {
        throw new Error(`aligned node (${n.level}, ${n.index}) already holds another hash`);
      }
      level[n.index] = n.hash;
    }
  }

  getNodes(refs: readonly NodeRef[]): Promise<Buffer[]> {
    const out: Buffer[] = [];
    for (const ref of refs) {
      const h = this.levels[ref.level]?.[ref.index];
      if (!h) return Promise.reject(new Error(`aligned node (${ref.level}, ${ref.index}) is not stored`));
      out.push(h);
    }
    return Promise.resolve(out);
  }
}

/** The persisted form of a frontier: `hashes` are the `frontierNodeRefs(size)` hashes, lowercase hex. */
export interface MerkleFrontierJson {
  size: number;
  hashes: string[];
}

/**
 * The compact range [0, size): one perfect-subtree root per set bit of `size`, highest first.
 * Appending is a binary-counter carry; the root is the right fold of the roots.
 */
export class MerkleFrontier {
  private constructor(
    private _size: number,
    private readonly roots: Buffer[],
  ) {}

  static empty(): MerkleFrontier {
    return new MerkleFrontier(0, []);
  }

  /** Rebuilds the frontier of a tree of `size` leaves from stored aligned nodes. */
  static async fromAlignedNodes(size: number, store: AlignedNodeStore): Promise<MerkleFrontier> {
    const refs = frontierNodeRefs(size);
    const hashes = refs.length === 0 ? [] : await store.getNodes(refs);
    if (hashes.length !== refs.length || hashes.some((h) => h.length !== HASH_SIZE)) {
      throw new Error('aligned node store returned a wrong number of hashes or a hash that is not 32 bytes');
    }
    return new MerkleFrontier(
      size,
      hashes.map((h) => Buffer.from(h)),
    );
  }

  /** Parses the persisted form; throws on anything inconsistent (wrong count, bad hex). */
  static fromJSON(json: unknown): MerkleFrontier {
    if (typeof json !== 'object' || json === null) throw new TypeError('frontier must be an object');
    const { size, hashes } = json as Partial<MerkleFrontierJson>;
    if (!isTreeSize(size)) throw new TypeError('frontier.size must be a non-negative safe integer');
    if (!Array.isArray(hashes)) throw new TypeError('frontier.hashes must be an array');
    const expected = frontierNodeRefs(size).length;
    if (hashes.length !== expected) {
      throw new TypeError(`a frontier of size ${size} has ${expected} hashes, got ${hashes.length}`);
    }
    const roots = hashes.map((h) => {
      const b = hashFromHex(h);
      if (!b) throw new TypeError('frontier.hashes must be 64-character lowercase hex');
      return b;
    });
    return new MerkleFrontier(size, roots);
  }

  get size(): number {
    return this._size;
  }

  /**
   * Appends the next leaf hash (leaf index = the size before the call) and returns the aligned
   * nodes this completed: the leaf itself at level 0 and every perfect subtree it closed.
   */
  append(leafHash: Uint8Array): AlignedNode[] {
    if (leafHash.length !== HASH_SIZE) throw new RangeError('leaf hash must be 32 bytes');
    if (this._size >= Number.MAX_SAFE_INTEGER) throw new RangeError('log is full');
    const leafIndex = this._size;
    let carry: Buffer = Buffer.from(leafHash);
    const completed: AlignedNode[] = [{ level: 0, index: leafIndex, hash: carry }];
    let level = 0;
    let bits = this._size;
    while (bits % 2 === 1) {
      carry = nodeHash(this.roots.pop()!, carry);
      level += 1;
      completed.push({ level, index: Math.floor(leafIndex / pow2(level)), hash: carry });
      bits = Math.floor(bits / 2);
    }
    this.roots.push(carry);
    this._size += 1;
    return completed;
  }

  /** MTH of the leaves appended so far. */
  root(): Buffer {
    return this.roots.length === 0 ? emptyRoot() : foldAlignedNodes(this.roots);
  }

  clone(): MerkleFrontier {
    return new MerkleFrontier(
      this._size,
      this.roots.map((h) => Buffer.from(h)),
    );
  }

  toJSON(): MerkleFrontierJson {
    return { size: this._size, hashes: this.roots.map(hashToHex) };
  }
}
