import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { ChainVerifier, type ChainVerdict } from './domain/chain-verifier';
import { LedgerRepository, type LedgerEvent } from './ledger.repository';

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
   * Recomputes every hash and link of a lot's chain from the stored rows, in batches, and
   * compares the end with the head recorded on the lot. The head and all events are read in one
   * snapshot, so appends running meanwhile cannot make a sound chain look broken.
   */
  async verify(lotId: string): Promise<{ head: { seq: number; hash: string }; verdict: ChainVerdict } | null> {
    return this.repository.snapshot(async (m) => {
      const [lot] = await this.repository.readHeads(m, [lotId]);
      if (!lot) return null;
      const verifier = new ChainVerifier(lot.id);
      let after = 0;
      for (;;) {
        const batch = await this.repository.readEvents(m, lot, after, VERIFY_BATCH);
        for (const event of batch) if (!verifier.push(event)) break;
        if (verifier.failed || batch.length < VERIFY_BATCH) break;
        after = batch[batch.length - 1].seq;
      }
      const head = { seq: lot.seq, hash: lot.hash };
      return { head, verdict: verifier.finish(head) };
    });
  }
}
