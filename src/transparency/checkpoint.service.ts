import { Injectable, Logger } from '@nestjs/common';
import { performance } from 'node:perf_hooks';
import { AppConfig } from '../config/app-config';
import type { SignedCheckpoint } from './domain/checkpoint';
import { custodyLeaf, custodyLeafHash } from './domain/leaf';
import { hashToHex } from './domain/merkle';
import { MerkleFrontier, type AlignedNode } from './domain/merkle-frontier';
import { LedgerLogRepository, type NewLogEntry } from './ledger-log.repository';
import { LedgerSigningKey } from './ledger-signing-key';

export type CheckpointOutcome =
  | { outcome: 'signed'; checkpoint: SignedCheckpoint; leaves: number; durationMs: number }
  | { outcome: 'nothing-new' }
  /** Another writer holds the lock (another worker is checkpointing). */
  | { outcome: 'busy' };

export interface CheckpointRun {
  /** Checkpoints signed by this run, oldest first. */
  signed: SignedCheckpoint[];
  leaves: number;
  busy: boolean;
  durationMs: number;
}

/** A run never loops forever: past this many slices it stops and the next tick goes on. */
const MAX_SLICES_PER_RUN = 100;

/**
 * The single writer of the global log. One run, in one transaction under an advisory lock:
 * take pending events (lowest global_seq first), give them the next log indexes, append their
 * leaf hashes to the frontier restored from the latest checkpoint, insert the entries and the
 * aligned nodes they complete, sign the new root and insert the checkpoint. Either all of it
 * commits or none: an event is logged exactly once, and a checkpoint, once inserted, is never
 * touched again.
 */
@Injectable()
export class CheckpointService {
  private readonly logger = new Logger(CheckpointService.name);
  private readonly registeredKeys = new Set<string>();

  constructor(
    private readonly repository: LedgerLogRepository,
    private readonly key: LedgerSigningKey,
    private readonly config: AppConfig,
  ) {}

  /** Checkpoints everything pending, in slices of CHECKPOINT_MAX_LEAVES (one checkpoint each). */
  async checkpointPending(): Promise<CheckpointRun> {
    const started = performance.now();
    const run: CheckpointRun = { signed: [], leaves: 0, busy: false, durationMs: 0 };
    for (let slice = 0; slice < MAX_SLICES_PER_RUN; slice++) {
      const result = await this.checkpointOnce();
      if (result.outcome === 'busy') run.busy = true;
      if (result.outcome !== 'signed') break;
      run.signed.push(result.checkpoint);
      run.leaves += result.leaves;
      if (result.leaves < this.config.CHECKPOINT_MAX_LEAVES) break;
    }
    run.durationMs = performance.now() - started;
    return run;
  }

  /** One slice: at most CHECKPOINT_MAX_LEAVES events, one signed checkpoint (or nothing). */
  async checkpointOnce(): Promise<CheckpointOutcome> {
    const started = performance.now();
    const result = await this.repository.transaction(async (m): Promise<CheckpointOutcome> => {
      if (!(await this.repository.tryLockWriter(m))) return { outcome: 'busy' };
      const latest = await this.repository.latestCheckpoint(m);
      const frontier = latest ? MerkleFrontier.fromJSON(latest.frontier) : MerkleFrontier.empty();
      if (latest && (frontier.size !== latest.treeSize || hashToHex(frontier.root()) !== latest.rootHash)) {
        throw new Error(`the stored frontier of checkpoint ${latest.treeSize} does not match its signed root`);
      }

      const taken = await this.repository.takePending(m, this.config.CHECKPOINT_MAX_LEAVES);
      if (taken.length === 0) return { outcome: 'nothing-new' };
      const logged = await this.repository.alreadyLogged(m, taken);
      if (logged.size > 0) {
        this.logger.warn(`${logged.size} pending event(s) were already in the log; dropped from the queue`);
      }
      const pending = taken.filter((e) => !logged.has(`${e.lotId}:${e.seq}`));
      if (pending.length === 0) return { outcome: 'nothing-new' };

      const entries: NewLogEntry[] = [];
      const nodes: AlignedNode[] = [];
      for (const event of pending) {
        const logIndex = frontier.size;
        const leafHash = custodyLeafHash(
          custodyLeaf({ logIndex, lotId: event.lotId, seq: event.seq, eventHash: event.eventHash }),
        );
        nodes.push(...frontier.append(leafHash));
        entries.push({ ...event, logIndex, leafHash: hashToHex(leafHash) });
      }
      await this.repository.insertEntries(m, entries);
      await this.repository.insertNodes(m, nodes);

      const key = this.key.info();
      if (!this.registeredKeys.has(key.keyId)) await this.repository.registerKey(m, key);
      // Issue times never go backwards, even if the clock does.
      const now = Date.now();
      const previous = latest ? Date.parse(latest.issuedAt) : 0;
      const checkpoint = this.key.sign({
        treeSize: frontier.size,
        rootHash: hashToHex(frontier.root()),
        issuedAt: new Date(Math.max(now, previous)).toISOString(),
      });
      await this.repository.insertCheckpoint(m, checkpoint, frontier.toJSON());
      return { outcome: 'signed', checkpoint, leaves: entries.length, durationMs: 0 };
    });
    if (result.outcome === 'signed') {
      this.registeredKeys.add(result.checkpoint.keyId);
      result.durationMs = performance.now() - started;
      this.logger.debug(
        `checkpoint ${result.checkpoint.treeSize} signed (${result.leaves} new events, ${result.durationMs.toFixed(0)} ms)`,
      );
    }
    return result;
  }
}
