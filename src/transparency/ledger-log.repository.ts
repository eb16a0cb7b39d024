import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { SignedCheckpoint } from './domain/checkpoint';
import type { AlignedNode, AlignedNodeStore, MerkleFrontierJson, NodeRef } from './domain/merkle-frontier';

/** A committed custody event waiting for the log (a row of ledger_log_pending). */
export interface PendingEvent {
  globalSeq: string;
  lotId: string;
  seq: number;
  /** Lowercase hex. */
  eventHash: string;
}

/** A leaf about to be written. Hashes in lowercase hex. */
export interface NewLogEntry extends PendingEvent {
  logIndex: number;
  leafHash: string;
}

/** A leaf of the log as stored. */
export interface LogEntry {
  logIndex: number;
  lotId: string;
  seq: number;
  /** The event's chain hash when it was logged, lowercase hex. */
  eventHash: string;
}

export interface StoredCheckpoint extends SignedCheckpoint {
  frontier: MerkleFrontierJson;
}

/** The signed part of a stored checkpoint (what is published). */
export function signedPart(c: SignedCheckpoint): SignedCheckpoint {
  return { treeSize: c.treeSize, rootHash: c.rootHash, issuedAt: c.issuedAt, keyId: c.keyId, signature: c.signature };
}

export interface PublicKeyRow {
  keyId: string;
  publicKey: string;
  ephemeral: boolean;
  createdAt: Date;
}

/** One fixed advisory lock: the checkpoint writer runs one at a time across every worker. */
const WRITER_LOCK = `hashtextextended('custody-ledger:ledger-checkpoint', 0)`;

const CHECKPOINT_COLUMNS = `tree_size::int8 AS "treeSize", encode(root_hash, 'hex') AS "rootHash", issued_at AS "issuedAt",
  key_id AS "keyId", signature`;

/** The same, for to_jsonb: bytea has no JSON form, so the signature is base64 text. */
const CHECKPOINT_JSON_COLUMNS = `tree_size AS "treeSize", encode(root_hash, 'hex') AS "rootHash", issued_at AS "issuedAt",
  key_id AS "keyId", encode(signature, 'base64') AS signature`;

export interface RawCheckpoint {
  treeSize: string;
  rootHash: string;
  issuedAt: Date;
  keyId: string;
  signature: Buffer;
  frontier?: MerkleFrontierJson;
}

/** A checkpoint row (`tree_size` as text, `signature` as bytes) as published. */
export function toCheckpoint(r: RawCheckpoint): SignedCheckpoint {
  return {
    treeSize: Number(r.treeSize),
    rootHash: r.rootHash,
    issuedAt: r.issuedAt.toISOString(),
    keyId: r.keyId,
    signature: r.signature.toString('base64url'),
  };
}

/**
 * SQL of the global log: the pending queue, entries, aligned nodes, checkpoints and public keys.
 * Also the aligned-node store that proofs are answered from (one query per proof).
 */
@Injectable()
export class LedgerLogRepository implements AlignedNodeStore {
  constructor(private readonly dataSource: DataSource) {}

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  /** Runs `work` in a read-only REPEATABLE READ transaction (one snapshot for every read). */
  snapshot<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction('REPEATABLE READ', async (manager) => {
      await manager.query('SET TRANSACTION READ ONLY');
      return work(manager);
    });
  }

  private exec(executor?: EntityManager): EntityManager {
    return executor ?? this.dataSource.manager;
  }

  /** Takes the writer lock for the rest of the transaction; false when another writer holds it. */
  async tryLockWriter(manager: EntityManager): Promise<boolean> {
    const [row] = await manager.query(`SELECT pg_try_advisory_xact_lock(${WRITER_LOCK}) AS locked`);
    return row.locked === true;
  }

  async latestCheckpoint(executor?: EntityManager): Promise<StoredCheckpoint | null> {
    const rows: RawCheckpoint[] = await this.exec(executor).query(
      `SELECT ${CHECKPOINT_COLUMNS}, frontier FROM ledger_checkpoints ORDER BY tree_size DESC LIMIT 1`,
    );
    return rows[0] ? { ...toCheckpoint(rows[0]), frontier: rows[0].frontier! } : null;
  }

  async checkpoint(treeSize: number, executor?: EntityManager): Promise<SignedCheckpoint | null> {
    const rows: RawCheckpoint[] = await this.exec(executor).query(
      `SELECT ${CHECKPOINT_COLUMNS} FROM ledger_checkpoints WHERE tree_size = $1`,
      [treeSize],
    );
    return rows[0] ? toCheckpoint(rows[0]) : null;
  }

  /** Checkpoints newest first, those below `beforeSize` when given; `limit` rows at most. */
  async listCheckpoints(beforeSize: number | null, limit: number): Promise<SignedCheckpoint[]> {
    const rows: RawCheckpoint[] = await this.dataSource.query(
      `SELECT ${CHECKPOINT_COLUMNS} FROM ledger_checkpoints
        WHERE $1::int8 IS NULL OR tree_size < $1::int8
        ORDER BY tree_size DESC
        LIMIT $2`,
      [beforeSize, limit],
    );
    return rows.map(toCheckpoint);
  }

  /**
   * Removes up to `limit` rows from the pending queue, lowest global_seq first, and returns them
   * in global_seq order. Only committed events have rows; the caller logs them in the same
   * transaction, so they are either logged or still pending, never lost nor logged twice.
   */
  async takePending(manager: EntityManager, limit: number): Promise<PendingEvent[]> {
    const rows: PendingEvent[] = await manager.query(
      `WITH taken AS (
         DELETE FROM ledger_log_pending p
          USING (SELECT global_seq FROM ledger_log_pending ORDER BY global_seq LIMIT $1) s
          WHERE p.global_seq = s.global_seq
         RETURNING p.global_seq, p.lot_id, p.seq, p.event_hash
       )
       SELECT global_seq::text AS "globalSeq", lot_id AS "lotId", seq, encode(event_hash, 'hex') AS "eventHash"
         FROM taken ORDER BY global_seq`,
      [limit],
    );
    return rows;
  }

  /** Which of these events already have a log entry, as `lotId:seq` keys (a defence: normally none). */
  async alreadyLogged(manager: EntityManager, events: readonly PendingEvent[]): Promise<Set<string>> {
    const rows: Array<{ key: string }> = await manager.query(
      `SELECT e.lot_id || ':' || e.seq AS key
         FROM unnest($1::uuid[], $2::int[]) AS p(lot_id, seq)
         JOIN ledger_log_entries e ON e.lot_id = p.lot_id AND e.seq = p.seq`,
      [events.map((e) => e.lotId), events.map((e) => e.seq)],
    );
    return new Set(rows.map((r) => r.key));
  }

  async insertEntries(manager: EntityManager, entries: readonly NewLogEntry[]): Promise<void> {
    await manager.query(
      `INSERT INTO ledger_log_entries (log_index, lot_id, seq, global_seq, event_hash, leaf_hash)
       SELECT i, l, s, g, decode(eh, 'hex'), decode(lh, 'hex')
         FROM unnest($1::int8[], $2::uuid[], $3::int[], $4::int8[], $5::text[], $6::text[]) AS e(i, l, s, g, eh, lh)`,
      [
        entries.map((e) => e.logIndex),
        entries.map((e) => e.lotId),
        entries.map((e) => e.seq),
        entries.map((e) => e.globalSeq),
        entries.map((e) => e.eventHash),
        entries.map((e) => e.leafHash),
      ],
    );
  }

  async insertNodes(manager: EntityManager, nodes: readonly AlignedNode[]): Promise<void> {
    await manager.query(
      `INSERT INTO ledger_merkle_nodes (level, index, hash)
       SELECT lv, ix, decode(h, 'hex') FROM unnest($1::int2[], $2::int8[], $3::text[]) AS n(lv, ix, h)`,
      [nodes.map((n) => n.level), nodes.map((n) => n.index), nodes.map((n) => n.hash.toString('hex'))],
    );
  }

  /** Publishes a signing key's public half (idempotent). */
  async registerKey(
    manager: EntityManager,
    key: { keyId: string; publicKey: string; ephemeral: boolean },
  ): Promise<void> {
    await manager.query(
      `INSERT INTO ledger_signing_keys (key_id, public_key, ephemeral) VALUES ($1, $2, $3)
       ON CONFLICT (key_id) DO NOTHING`,
      [key.keyId, key.publicKey, key.ephemeral],
    );
  }

  async insertCheckpoint(
    manager: EntityManager,
    checkpoint: SignedCheckpoint,
    frontier: MerkleFrontierJson,
  ): Promise<void> {
    await manager.query(
      `INSERT INTO ledger_checkpoints (tree_size, root_hash, issued_at, key_id, signature, frontier)
       VALUES ($1, decode($2, 'hex'), $3, $4, $5, $6::jsonb)`,
      [
        checkpoint.treeSize,
        checkpoint.rootHash,
        checkpoint.issuedAt,
        checkpoint.keyId,
        Buffer.from(checkpoint.signature, 'base64url'),
        JSON.stringify(frontier),
      ],
    );
  }

  /** AlignedNodeStore: the hashes of `refs`, in order, in one query; throws if one is missing. */
  async getNodes(refs: readonly NodeRef[]): Promise<Buffer[]> {
    if (refs.length === 0) return [];
    const rows: Array<{ hash: Buffer | null }> = await this.dataSource.query(
      `SELECT n.hash
         FROM unnest($1::int2[], $2::int8[]) WITH ORDINALITY AS r(lv, ix, ord)
         LEFT JOIN ledger_merkle_nodes n ON n.level = r.lv AND n.index = r.ix
        ORDER BY r.ord`,
      [refs.map((r) => r.level), refs.map((r) => r.index)],
    );
    return rows.map((row, i) => {
      if (!row.hash) throw new Error(`aligned node (${refs[i].level}, ${refs[i].index}) is not stored`);
      return row.hash;
    });
  }

  /**
   * What an inclusion proof needs besides the audit path, in one statement: the event's log index,
   * its hash as stored now (null if the row is gone), and the checkpoint of `treeSize` (the latest
   * when null). Each part is null when absent.
   */
  async proofContext(
    lotId: string,
    seq: number,
    treeSize: number | null,
  ): Promise<{ logIndex: number | null; eventHash: string | null; checkpoint: SignedCheckpoint | null }> {
    const checkpointWhere = treeSize === null ? '' : 'WHERE tree_size = $3';
    const [row]: Array<{ logIndex: string | null; eventHash: string | null; checkpoint: RawCheckpoint | null }> =
      await this.dataSource.query(
        `SELECT le.log_index::int8 AS "logIndex", encode(e.hash, 'hex') AS "eventHash",
                (SELECT to_jsonb(c) FROM (SELECT ${CHECKPOINT_JSON_COLUMNS}
                                            FROM ledger_checkpoints ${checkpointWhere}
                                           ORDER BY tree_size DESC LIMIT 1) c) AS checkpoint
           FROM (SELECT 1) AS one
           LEFT JOIN ledger_log_entries le ON le.lot_id = $1 AND le.seq = $2
           LEFT JOIN lots l ON l.id = le.lot_id
           LEFT JOIN custody_events e ON e.lot_id = le.lot_id AND e.chain_started_at = l.created_at AND e.seq = le.seq`,
        treeSize === null ? [lotId, seq] : [lotId, seq, treeSize],
      );
    const c = row.checkpoint as
      (Omit<RawCheckpoint, 'issuedAt' | 'signature'> & { issuedAt: string; signature: string }) | null;
    return {
      logIndex: row.logIndex === null ? null : Number(row.logIndex),
      eventHash: row.eventHash,
      checkpoint: c
        ? toCheckpoint({ ...c, issuedAt: new Date(c.issuedAt), signature: Buffer.from(c.signature, 'base64') })
        : null,
    };
  }

  /** Every logged event of a lot, by seq. */
  async entriesOfLot(lotId: string, executor?: EntityManager): Promise<LogEntry[]> {
    const rows: LogEntry[] = await this.exec(executor).query(
      `SELECT log_index::int8 AS "logIndex", lot_id AS "lotId", seq, encode(event_hash, 'hex') AS "eventHash"
         FROM ledger_log_entries WHERE lot_id = $1 ORDER BY seq`,
      [lotId],
    );
    return rows.map((r) => ({ ...r, logIndex: Number(r.logIndex) }));
  }

  /** seqs of a lot's events committed but not yet logged. */
  async pendingSeqsOfLot(lotId: string, executor?: EntityManager): Promise<Set<number>> {
    const rows: Array<{ seq: number }> = await this.exec(executor).query(
      `SELECT seq FROM ledger_log_pending WHERE lot_id = $1`,
      [lotId],
    );
    return new Set(rows.map((r) => r.seq));
  }

  async publicKeys(executor?: EntityManager): Promise<PublicKeyRow[]> {
    return this.exec(executor).query(
      `SELECT key_id AS "keyId", public_key AS "publicKey", ephemeral, created_at AS "createdAt"
         FROM ledger_signing_keys ORDER BY created_at, key_id`,
    );
  }
}
