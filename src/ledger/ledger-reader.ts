import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { ChainVerifier, type ChainVerdict, type StoredEvent } from './domain/chain-verifier';
import { LedgerRepository, type LedgerEvent, type LotViewer } from './ledger.repository';

const VERIFY_BATCH = 2_000;

/** Reads chains back: pages of events, and full recomputation of a chain. */
@Injectable()
export class LedgerReader {
  constructor(private readonly repository: LedgerRepository) {}

  /** Events of a lot after `afterSeq`, at most `limit`, in seq order (on `executor` if given). */
  events(
    lot: { id: string; createdAt: Date },
    afterSeq: number,
    limit: number,
    executor?: EntityManager,
  ): Promise<LedgerEvent[]> {
    return this.repository.readEvents(executor ?? this.repository.autocommit, lot, afterSeq, limit);
  }

  /**
   * Recomputes every hash and link of a lot's chain from the stored rows and compares the end
   * with the head recorded on the lot; null when the lot does not exist or `viewer` may not see
   * it. The head and the events are read in one snapshot, so appends running meanwhile cannot
   * make a sound chain look broken. A chain shorter than a batch is read with its head in one
   * statement (one round trip). A longer one goes on in a read-only REPEATABLE READ transaction
   * that reads the head again and the events after the first batch (stored events never change,
   * so the first batch is the same in that snapshot).
   */
  async verify(
    lotId: string,
    viewer?: LotViewer,
  ): Promise<{ head: { seq: number; hash: string }; verdict: ChainVerdict } | null> {
    const first = await this.repository.readChainStart(this.repository.autocommit, lotId, viewer, VERIFY_BATCH);
    if (!first) return null;
    const verifier = new ChainVerifier(lotId);
    for (const event of first.events) if (!verifier.push(event)) break;
    if (verifier.failed || first.events.length < VERIFY_BATCH) {
      return { head: first.head, verdict: verifier.finish(first.head) };
    }
    return this.repository.snapshot(async (m) => {
      const now = await this.repository.readChainStart(m, lotId, viewer, 0);
      if (!now) return null;
      const after = first.events[first.events.length - 1].seq;
      const cursor = await this.repository.openChainCursor(
        m,
        { id: lotId, chainStartedAt: first.chainStartedAt },
        after,
      );
      let next: Promise<StoredEvent[]> | null = cursor.fetch(VERIFY_BATCH);
      while (next) {
        const batch: StoredEvent[] = await next;
        // Ask for the next batch before hashing this one: the database reads while Node hashes.
        next = batch.length === VERIFY_BATCH ? cursor.fetch(VERIFY_BATCH) : null;
        for (const event of batch) if (!verifier.push(event)) break;
        if (verifier.failed) break;
      }
      await next;
      return { head: now.head, verdict: verifier.finish(now.head) };
    });
  }
}
