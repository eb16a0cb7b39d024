import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { ForbiddenError, NotFoundError, ValidationFailedError } from '../common/problem/domain-errors';
import { isRegulator, type Principal } from '../common/auth/principal';
import { decodeCursor, pageLimit, toPage, type PageQueryDto } from '../common/pagination/cursor';
import type { LotViewer } from '../ledger/ledger.repository';
import { LedgerWriter } from '../ledger/ledger-writer';
import type { SignedCheckpoint } from './domain/checkpoint';
import { custodyLeaf, custodyLeafHash } from './domain/leaf';
import { consistencyProof, inclusionProof } from './domain/merkle';
import { AlignedNodeSubtreeSource } from './domain/merkle-frontier';
import {
  consistencyProofJson,
  inclusionProofJson,
  type ConsistencyProofJson,
  type InclusionProofJson,
} from './domain/proof-bundle';
import { LedgerLogRepository, signedPart } from './ledger-log.repository';

const CHECKPOINT_CURSOR = 'checkpoint';

/** 404 for an event that exists but has no proof yet (it is not in the log, or not in that checkpoint). */
export class NotInLogError extends NotFoundError {
  constructor(lotId: string, seq: number, detail: string, extensions: Record<string, unknown> = {}) {
    super('Custody event', `${lotId}/${seq}`);
    this.message = detail;
    Object.assign(this.extensions, { lotId, seq, ...extensions });
  }
}

function notFound(resource: string, detail: string): NotFoundError {
  const error = new NotFoundError(resource);
  error.message = detail;
  return error;
}

const NO_CHECKPOINT_YET = () =>
  notFound('Checkpoint', 'No checkpoint yet: the log is empty until the first custody event is checkpointed');
const NO_CHECKPOINT_OF = (treeSize: number) =>
  notFound(
    'Checkpoint',
    `No checkpoint of tree size ${treeSize}: checkpoints exist only at the sizes GET /v1/ledger/checkpoints lists`,
  );

/**
 * The read side of the global log: checkpoints, public keys, and proofs answered from the stored
 * aligned nodes (one query per proof) in the exact shapes of proof-bundle.ts, so that
 * `npm run verify-proof` checks them offline.
 */
@Injectable()
export class LedgerProofService {
  private readonly nodes: AlignedNodeSubtreeSource;

  constructor(
    private readonly log: LedgerLogRepository,
    private readonly heads: LedgerWriter,
    private readonly config: AppConfig,
  ) {
    this.nodes = new AlignedNodeSubtreeSource(log);
  }

  /** Newest first; the cursor is the tree size of the last checkpoint of the previous page. */
  async listCheckpoints(query: PageQueryDto) {
    const limit = pageLimit(query);
    const position = decodeCursor(query.cursor);
    if (position && (position.id !== CHECKPOINT_CURSOR || !/^[1-9]\d{0,15}$/.test(position.k))) {
      throw new ValidationFailedError('The cursor is not valid', [
        { field: 'cursor', message: 'not a cursor of the checkpoint list' },
      ]);
    }
    const rows = await this.log.listCheckpoints(position ? Number(position.k) : null, limit + 1);
    return toPage(
      rows,
      limit,
      (c) => ({ k: String(c.treeSize), id: CHECKPOINT_CURSOR }),
      (c) => c,
    );
  }

  async latestCheckpoint(): Promise<SignedCheckpoint> {
    const latest = await this.log.latestCheckpoint();
    if (!latest) throw NO_CHECKPOINT_YET();
    return signedPart(latest);
  }

  async checkpoint(treeSize: number): Promise<SignedCheckpoint> {
    const checkpoint = await this.log.checkpoint(treeSize);
    if (!checkpoint) throw NO_CHECKPOINT_OF(treeSize);
    return checkpoint;
  }

  async publicKeys() {
    const keys = await this.log.publicKeys();
    return {
      items: keys.map((k) => ({
        keyId: k.keyId,
        algorithm: 'Ed25519' as const,
        publicKey: k.publicKey,
        ephemeral: k.ephemeral,
        createdAt: k.createdAt.toISOString(),
      })),
    };
  }

  /**
   * The inclusion proof of event `seq` of lot `lotId` against the checkpoint of `treeSize` (the
   * latest when omitted), for a party to the lot or a regulator over one of its parties. The leaf
   * carries the event's hash as the ledger holds it now: if the stored event was rewritten after
   * it entered the log, the proof does not verify, which is the point.
   */
  async inclusion(lotId: string, seq: number, principal: Principal, treeSize?: number): Promise<InclusionProofJson> {
    // Two rounds, three queries. Round 1: may the caller see the lot (the lots' tenancy rule), and
    // the event's log index, hash and checkpoint in one statement. Nothing is answered before the
    // tenancy check.
    const [heads, context] = await Promise.all([
      this.heads.readHeads([lotId], viewerOf(principal)),
      this.log.proofContext(lotId, seq, treeSize ?? null),
    ]);
    const head = heads.get(lotId);
    if (!head || !head.viewer || (!head.viewer.party && !head.viewer.inJurisdiction)) {
      throw new NotFoundError('Lot', lotId);
    }
    if (seq > head.seq) throw new NotFoundError('Custody event', `${lotId}/${seq}`);
    const { logIndex, eventHash, checkpoint } = context;
    if (logIndex === null) {
      throw new NotInLogError(
        lotId,
        seq,
        `Event ${seq} of lot ${lotId} is recorded but not in the global log yet: there is no proof until the next ` +
          `checkpoint (about every ${Math.ceil(this.config.CHECKPOINT_INTERVAL_MS / 1000)} s). Try again shortly.`,
        { reason: 'not-yet-logged' },
      );
    }
    if (eventHash === null) throw new NotFoundError('Custody event', `${lotId}/${seq}`);
    if (!checkpoint) throw treeSize === undefined ? NO_CHECKPOINT_YET() : NO_CHECKPOINT_OF(treeSize);
    if (logIndex >= checkpoint.treeSize) {
      throw new NotInLogError(
        lotId,
        seq,
        `Event ${seq} of lot ${lotId} entered the log at index ${logIndex}, after the checkpoint of tree size ` +
          `${checkpoint.treeSize}: ask for a later checkpoint.`,
        { reason: 'after-checkpoint', logIndex },
      );
    }
    // Round 2: the audit path (one query of aligned nodes).
    const auditPath = await inclusionProof(logIndex, checkpoint.treeSize, this.nodes);
    const leaf = custodyLeaf({ logIndex, lotId, seq, eventHash });
    return inclusionProofJson({ leaf, leafHash: custodyLeafHash(leaf), leafIndex: logIndex, auditPath, checkpoint });
  }

  /** The consistency proof from the checkpoint of size `from` to that of size `to` (the latest when omitted). */
  async consistency(from: number, to?: number): Promise<ConsistencyProofJson> {
    if (to !== undefined && from > to) {
      throw new ValidationFailedError('from must not be larger than to', [
        { field: 'from', message: 'must be at most to' },
      ]);
    }
    const older = await this.checkpoint(from);
    const newer = to === undefined ? await this.latestCheckpoint() : await this.checkpoint(to);
    if (older.treeSize > newer.treeSize) {
      throw new ValidationFailedError('from must not be larger than the latest tree size', [
        { field: 'from', message: 'must be at most the latest tree size' },
      ]);
    }
    const path = await consistencyProof(older.treeSize, newer.treeSize, this.nodes);
    return consistencyProofJson({ from: older, to: newer, consistencyPath: path });
  }
}

function viewerOf(principal: Principal): LotViewer {
  if (principal.kind !== 'member') throw new ForbiddenError('Proofs of custody events are for members');
  return {
    organisationId: principal.organisationId,
    jurisdictionPrefix: isRegulator(principal) ? principal.jurisdictionPrefix : null,
  };
}
