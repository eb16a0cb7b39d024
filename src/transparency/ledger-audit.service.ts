import { Injectable } from '@nestjs/common';
import { hashStoredEvent, type ChainVerdict } from '../ledger/domain/chain-verifier';
import { LedgerReader } from '../ledger/ledger-reader';
import { LedgerWriter } from '../ledger/ledger-writer';
import { importPublicKey, verifyCheckpoint, type SignedCheckpoint } from './domain/checkpoint';
import { custodyLeaf, custodyLeafHash } from './domain/leaf';
import { complementRanges, rootFromLeavesAndComplement } from './domain/batch-inclusion';
import { inclusionProofRanges, verifyInclusion } from './domain/merkle';
import { AlignedNodeSubtreeSource } from './domain/merkle-frontier';
import { LedgerLogRepository, signedPart } from './ledger-log.repository';

export type LogFaultKind =
  /** The event has no log entry and is not queued for one (inserted with the triggers off). */
  | 'not-in-log'
  /** The log holds an entry for a seq the lot's chain no longer has (the event was removed). */
  | 'event-missing'
  /** The event's recomputed hash is not the hash the log recorded (the event was altered). */
  | 'differs-from-log'
  /** The audit path from the event's leaf does not reach the signed root (the log itself was altered). */
  | 'inclusion-fails';

export interface LogFault {
  seq: number;
  fault: LogFaultKind;
  detail: string;
}

/** The tamper audit of one lot: its hash chain, and each event against the signed global log. */
export interface LotTamperAudit {
  lotId: string;
  /** ok = the chain verifies and every logged event is proven in the checkpoint. */
  ok: boolean;
  chain: ChainVerdict;
  /** The latest checkpoint, its signature checked against the stored public key; null before the first. */
  checkpoint: SignedCheckpoint | null;
  /** Why the checkpoint itself is not trustworthy, when it is not. */
  checkpointFault: string | null;
  events: number;
  /** Events proven included in the checkpoint (from their recomputed hash). */
  proven: number;
  /** Events committed but not yet covered by a checkpoint. */
  pending: number;
  logFaults: LogFault[];
}

const READ_BATCH = 2_000;

interface ToProve {
  seq: number;
  leafIndex: number;
  leafHash: Buffer;
}

/**
 * Checks a lot without trusting the stored hashes: recomputes each event's chain hash from its
 * content, builds its leaf, and verifies the leaf's audit path against the latest checkpoint
 * whose Ed25519 signature is checked with the published key. Catches an edited event (chain and
 * inclusion both fail), a rewritten chain with recomputed hashes (inclusion fails), an event
 * removed or slipped in with the triggers off, and an edited log. Used by the audit endpoints.
 */
@Injectable()
export class LedgerAuditService {
  private readonly nodes: AlignedNodeSubtreeSource;

  constructor(
    private readonly log: LedgerLogRepository,
    private readonly reader: LedgerReader,
    private readonly heads: LedgerWriter,
  ) {
    this.nodes = new AlignedNodeSubtreeSource(log);
  }

  /** null when the lot does not exist. No tenancy: callers check access first. */
  async auditLot(lotId: string): Promise<LotTamperAudit | null> {
    const verified = await this.reader.verify(lotId);
    const head = (await this.heads.readHeads([lotId])).get(lotId);
    if (!verified || !head) return null;

    const stored = await this.log.latestCheckpoint();
    let checkpoint: SignedCheckpoint | null = null;
    let checkpointFault: string | null = null;
    if (stored) {
      const signed = signedPart(stored);
      checkpoint = signed;
      const key = (await this.log.publicKeys()).find((k) => k.keyId === signed.keyId);
      const check = key ? verifyCheckpoint(importPublicKey(key.publicKey), signed) : null;
      if (!check) checkpointFault = `no published key ${signed.keyId}`;
      else if (!check.ok) checkpointFault = check.reason;
    }

    const entries = new Map((await this.log.entriesOfLot(lotId)).map((e) => [e.seq, e]));
    const pendingSeqs = await this.log.pendingSeqsOfLot(lotId);
    const logFaults: LogFault[] = [];
    const toProve: ToProve[] = [];
    let events = 0;
    let pending = 0;
    for (let after = 0; ;) {
      const batch = await this.reader.events(head, after, READ_BATCH);
      for (const event of batch) {
        events++;
        const entry = entries.get(event.seq);
        entries.delete(event.seq);
        if (!entry) {
          if (pendingSeqs.has(event.seq)) pending++;
          else logFaults.push({ seq: event.seq, fault: 'not-in-log', detail: 'no log entry and none queued' });
          continue;
        }
        const recomputed = hashStoredEvent(event);
        if (recomputed !== entry.eventHash) {
          logFaults.push({
            seq: event.seq,
            fault: 'differs-from-log',
            detail: `recomputed hash ${recomputed}, logged ${entry.eventHash}`,
          });
        }
        if (!checkpoint || entry.logIndex >= checkpoint.treeSize) {
          pending++;
          continue;
        }
        toProve.push({
          seq: event.seq,
          leafIndex: entry.logIndex,
          leafHash: custodyLeafHash(
            custodyLeaf({ logIndex: entry.logIndex, lotId, seq: event.seq, eventHash: recomputed }),
          ),
        });
      }
      if (batch.length < READ_BATCH) break;
      after = batch[batch.length - 1].seq;
    }
    for (const entry of entries.values()) {
      logFaults.push({ seq: entry.seq, fault: 'event-missing', detail: `logged at index ${entry.logIndex}` });
    }

    let proven = 0;
    if (checkpoint && toProve.length > 0) {
      proven = await this.prove(toProve, checkpoint, logFaults);
    }
    logFaults.sort((a, b) => a.seq - b.seq);
    return {
      lotId,
      ok: verified.verdict.ok && checkpointFault === null && logFaults.length === 0,
      chain: verified.verdict,
      checkpoint,
      checkpointFault,
      events,
      proven,
      pending,
      logFaults,
    };
  }

  /**
   * Proves every leaf against the checkpoint root at once (one multi-proof, one query of aligned
   * nodes); only when that fails, checks each leaf's own audit path to name the ones that fail.
   * Returns how many are proven and records the failures.
   */
  private async prove(toProve: ToProve[], checkpoint: SignedCheckpoint, logFaults: LogFault[]): Promise<number> {
    const sorted = [...toProve].sort((a, b) => a.leafIndex - b.leafIndex);
    const indexes = sorted.map((p) => p.leafIndex);
    const root = Buffer.from(checkpoint.rootHash, 'hex');
    const complement = await this.nodes.hashes(complementRanges(indexes, checkpoint.treeSize));
    const recomputed = rootFromLeavesAndComplement(
      indexes,
      sorted.map((p) => p.leafHash),
      checkpoint.treeSize,
      complement,
    );
    if (recomputed.equals(root)) return sorted.length;

    const paths = sorted.map((p) => inclusionProofRanges(p.leafIndex, checkpoint.treeSize));
    const hashes = await this.nodes.hashes(paths.flat());
    let proven = 0;
    let at = 0;
    sorted.forEach((p, i) => {
      const path = hashes.slice(at, at + paths[i].length);
      at += paths[i].length;
      if (verifyInclusion(p.leafHash, p.leafIndex, checkpoint.treeSize, path, root)) proven++;
      else {
        logFaults.push({
          seq: p.seq,
          fault: 'inclusion-fails',
          detail: `the leaf of the event as stored is not at index ${p.leafIndex} of checkpoint ${checkpoint.treeSize}`,
        });
      }
    });
    return proven;
  }
}
