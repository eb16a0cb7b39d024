import { createHash, createPrivateKey, type KeyObject } from 'node:crypto';
import { exportPublicKey, keyIdOf, publicKeyOf, signCheckpoint } from '../../../src/transparency/domain/checkpoint';
import {
  custodyLeaf,
  custodyLeafHash,
  encodeCustodyLeaf,
  type CustodyLeaf,
} from '../../../src/transparency/domain/leaf';
import { consistencyProof, inclusionProof } from '../../../src/transparency/domain/merkle';
import {
  AlignedNodeSubtreeSource,
  MemoryAlignedNodeStore,
  MerkleFrontier,
} from '../../../src/transparency/domain/merkle-frontier';
import {
  consistencyProofJson,
  inclusionProofJson,
  type ConsistencyProofJson,
  type InclusionProofJson,
} from '../../../src/transparency/domain/proof-bundle';

/**
 * The deterministic worked example of docs/ledger-merkle.md and docs/examples/ledger-merkle/
 * (test support, not a test). Ed25519 signatures are deterministic, so every value is fixed.
 */

/** An Ed25519 private key from a 32-byte seed (PKCS#8 DER prefix for Ed25519 + seed). */
export function keyFromSeed(label: string): KeyObject {
  const seed = createHash('sha256').update(label).digest();
  return createPrivateKey({
    key: Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), seed]),
    format: 'der',
    type: 'pkcs8',
  });
}

export const EXAMPLE_KEY_LABEL = 'custody-ledger worked example key (never use in production)';
export const LOT_A = '0190a5b2-7c1e-7d3a-9f00-3b5c2e8d4a11';
export const LOT_B = '0190a5b3-01f4-7e55-8c21-6d0e9a7b5c22';

export interface LogFixture {
  leaves: CustodyLeaf[];
  leafHashes: Buffer[];
  source: AlignedNodeSubtreeSource;
  /** Frontier states after each size, as the checkpoint job would persist them. */
  frontiers: MerkleFrontier[];
}

/** A log of custody leaves over two lots, built the way the checkpoint job will build it. */
export function buildLog(size: number, eventLabel = 'example event'): LogFixture {
  const seqs = { [LOT_A]: 0, [LOT_B]: 0 };
  const leaves: CustodyLeaf[] = [];
  for (let i = 0; i < size; i++) {
    const lotId = i % 3 === 2 || i % 5 === 4 ? LOT_B : LOT_A;
    seqs[lotId] += 1;
    // Stand-in for the event's chain hash (SHA-256 of its RFC 8785 encoding in the ledger).
    const eventHash = createHash('sha256').update(`${eventLabel} ${i}`).digest('hex');
    leaves.push(custodyLeaf({ logIndex: i, lotId, seq: seqs[lotId], eventHash }));
  }
  const leafHashes = leaves.map(custodyLeafHash);
  const store = new MemoryAlignedNodeStore();
  const frontier = MerkleFrontier.empty();
  const frontiers = [frontier.clone()];
  for (const h of leafHashes) {
    store.put(frontier.append(h));
    frontiers.push(frontier.clone());
  }
  return { leaves, leafHashes, source: new AlignedNodeSubtreeSource(store), frontiers };
}

export interface WorkedExample {
  publicKey: string;
  keyId: string;
  leaves: CustodyLeaf[];
  leafBytes: string[];
  leafHashes: string[];
  checkpoint3: ReturnType<typeof signCheckpoint>;
  checkpoint5: ReturnType<typeof signCheckpoint>;
  signedText3: string;
  signedText5: string;
  inclusion: InclusionProofJson;
  consistency: ConsistencyProofJson;
  /** Intermediate hashes of the walks in the document: MTH of leaves [2, 4) and [0, 4). */
  node2to4: string;
  node0to4: string;
}

export async function workedExample(): Promise<WorkedExample> {
  const key = keyFromSeed(EXAMPLE_KEY_LABEL);
  const log = buildLog(5);
  const cp = (size: number, issuedAt: string) =>
    signCheckpoint(key, { treeSize: size, rootHash: log.frontiers[size].root().toString('hex'), issuedAt });
  const checkpoint3 = cp(3, '2025-01-15T09:00:00.000Z');
  const checkpoint5 = cp(5, '2025-01-15T10:00:00.000Z');
  const text = (c: typeof checkpoint3) =>
    `custody-ledger/v1\n${c.treeSize}\n${Buffer.from(c.rootHash, 'hex').toString('base64')}\n${c.issuedAt}\n`;
  return {
    publicKey: exportPublicKey(publicKeyOf(key)),
    keyId: keyIdOf(publicKeyOf(key)),
    leaves: log.leaves,
    leafBytes: log.leaves.map((l) => encodeCustodyLeaf(l).toString('utf8')),
    leafHashes: log.leafHashes.map((h) => h.toString('hex')),
    checkpoint3,
    checkpoint5,
    signedText3: text(checkpoint3),
    signedText5: text(checkpoint5),
    inclusion: inclusionProofJson({
      leaf: log.leaves[3],
      leafHash: log.leafHashes[3],
      leafIndex: 3,
      auditPath: await inclusionProof(3, 5, log.source),
      checkpoint: checkpoint5,
    }),
    consistency: consistencyProofJson({
      from: checkpoint3,
      to: checkpoint5,
      consistencyPath: await consistencyProof(3, 5, log.source),
    }),
    node2to4: (await log.source.hash(2, 4)).toString('hex'),
    node0to4: (await log.source.hash(0, 4)).toString('hex'),
  };
}
