import type { ClientBase } from 'pg';
import { copyTo, splitCopyLine } from '../database/pg-copy';
import { ChainVerifier, type ChainFault } from '../ledger/domain/chain-verifier';
import type { LedgerObject } from '../ledger/domain/event-hash';
import { importPublicKey, verifyCheckpoint, type SignedCheckpoint } from './domain/checkpoint';
import { custodyLeaf, custodyLeafHash } from './domain/leaf';
import { hashToHex } from './domain/merkle';
import { MerkleFrontier } from './domain/merkle-frontier';
import type { LogFaultKind } from './ledger-audit.service';
import { toCheckpoint, type RawCheckpoint } from './ledger-log.repository';

/**
 * The tamper audit of the whole ledger and its global log, at constant memory, as passes over one
 * REPEATABLE READ snapshot, each reporting its own timing:
 *
 * 1. `chains`: every custody event by COPY in (lot_id, seq) order, joined to its lot's head, its
 *    log entry and its pending row: each chain recomputed and its end compared with the head; each
 *    event's stored hash compared with the hash the log recorded (a chain rewritten with
 *    recomputed hashes passes the chain check but not this), or found queued for the log.
 * 2. `empty-chains`: lots without events (looked for only when the counts disagree).
 * 3. `log`: every log entry by COPY in log_index order: indexes contiguous from 0, each leaf
 *    rebuilt from its fields (not trusting the stored leaf hash) and appended to a Merkle frontier;
 *    the root at the latest checkpoint's size must be the checkpoint's root, and the checkpoint's
 *    Ed25519 signature must verify with its stored public key. Log entries and pending rows whose
 *    event is gone are listed when the counts of pass 1 disagree with the log's.
 */

export type AuditFault =
  | ChainFault
  | 'unknown-lot'
  | LogFaultKind
  /** The stored leaf hash is not the hash of the leaf rebuilt from the entry's fields. */
  | 'leaf-differs'
  /** Log indexes are not contiguous from 0 (an entry was removed or inserted). */
  | 'log-index-gap'
  /** The log has fewer entries than the latest checkpoint covers. */
  | 'log-shorter-than-checkpoint'
  /** The root recomputed from the entries is not the checkpoint's root. */
  | 'root-mismatch'
  /** The latest checkpoint's signature does not verify, or its key is not published. */
  | 'checkpoint-invalid';

export interface AuditFinding {
  /** The lot concerned; null for faults of the log as a whole (root, checkpoint). */
  lotId: string | null;
  seq: number | null;
  /** The log entry concerned, for log faults. */
  logIndex?: number;
  fault: AuditFault;
  detail: string;
}

/** What the log pass found: the checkpoint it checked and how much of the ledger it covers. */
export interface LogAudit {
  /** The latest checkpoint (signed part); null before the first. */
  checkpoint: SignedCheckpoint | null;
  /** True when the recomputed root equals the checkpoint's and its signature verifies. */
  rootVerified: boolean;
  entries: number;
  /** Events committed but not yet in the log (normal: they enter with the next checkpoint). */
  pending: number;
}

export interface AuditPass {
  name: string;
  ms: number;
  rows: number;
}

export interface AuditReport {
  ok: boolean;
  lots: number;
  events: number;
  /** Findings, at most `maxFindings` of them (the first in (lot, seq) order). */
  findings: AuditFinding[];
  findingCount: number;
  log: LogAudit;
  passes: AuditPass[];
  startedAt: string;
  ms: number;
}

export interface AuditOptions {
  maxFindings?: number;
  /** Called every 100,000 events with the number audited so far. */
  onProgress?: (events: number) => void;
}

/**
 * Columns of the chains pass; timestamps in UTC with `SET TimeZone = 'UTC'`. Both sides of the log
 * join are read in (lot_id, seq) order (a merge join on the entries' unique index).
 */
const CHAINS_QUERY = `COPY (
  SELECT e.lot_id, e.seq, e.format, e.type, e.occurred_at, e.recorded_at, e.actor_organisation_id,
         e.actor_member_id, e.payload, encode(e.prev_hash, 'hex'), encode(e.hash, 'hex'),
         l.head_seq, encode(l.head_hash, 'hex'),
         le.log_index, encode(le.event_hash, 'hex'), p.global_seq IS NOT NULL
    FROM custody_events e
    LEFT JOIN lots l ON l.id = e.lot_id AND l.created_at = e.chain_started_at
    LEFT JOIN ledger_log_entries le ON le.lot_id = e.lot_id AND le.seq = e.seq
    LEFT JOIN ledger_log_pending p ON p.global_seq = e.global_seq AND p.lot_id = e.lot_id AND p.seq = e.seq
   ORDER BY e.lot_id, e.seq
) TO STDOUT`;

const LOG_QUERY = `COPY (
  SELECT log_index, lot_id, seq, encode(event_hash, 'hex'), encode(leaf_hash, 'hex')
    FROM ledger_log_entries ORDER BY log_index
) TO STDOUT`;

/**
 * Audits the whole ledger and its log on `client` (a dedicated connection: it runs a read-only
 * REPEATABLE READ transaction and COPY on it).
 */
export async function auditLedger(client: ClientBase, options: AuditOptions = {}): Promise<AuditReport> {
  const maxFindings = options.maxFindings ?? 100;
  const started = performance.now();
  const startedAt = new Date().toISOString();
  const findings: AuditFinding[] = [];
  let findingCount = 0;
  const report = (f: AuditFinding) => {
    findingCount++;
    if (findings.length < maxFindings) findings.push(f);
  };
  const passes: AuditPass[] = [];

  await client.query(`BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY`);
  try {
    await client.query(`SET LOCAL TimeZone = 'UTC'`);
    await client.query(`SET LOCAL DateStyle = 'ISO'`);

    // Pass 1: every chain, its end against the lot's head, each event against its log entry.
    let t0 = performance.now();
    let events = 0;
    let lotsMatched = 0;
    let logged = 0;
    let pendingMatched = 0;
    let current: { lotId: string; verifier: ChainVerifier; head: { seq: number; hash: string } | null } | null = null;
    const close = () => {
      if (!current) return;
      if (current.head) {
        const verdict = current.verifier.finish(current.head);
        if (!verdict.ok) {
          report({ lotId: current.lotId, seq: verdict.firstBadSeq, fault: verdict.fault, detail: verdict.detail });
        }
      }
      current = null;
    };
    await copyTo(client, CHAINS_QUERY, (line) => {
      const [
        lotId,
        seq,
        format,
        type,
        occurredAt,
        recordedAt,
        org,
        member,
        payload,
        prevHash,
        hash,
        headSeq,
        headHash,
        logIndex,
        loggedHash,
        isPending,
      ] = splitCopyLine(line.toString('utf8'));
      events++;
      if (loggedHash !== null) {
        logged++;
        if (loggedHash !== hash) {
          report({
            lotId: lotId!,
            seq: Number(seq),
            logIndex: Number(logIndex),
            fault: 'differs-from-log',
            detail: `stored hash ${hash}, logged ${loggedHash}`,
          });
        }
      } else if (isPending === 't') {
        pendingMatched++;
      } else {
        report({ lotId: lotId!, seq: Number(seq), fault: 'not-in-log', detail: 'no log entry and none queued' });
      }
      if (options.onProgress && events % 100_000 === 0) options.onProgress(events);
      if (!current || current.lotId !== lotId) {
        close();
        const head = headSeq === null ? null : { seq: Number(headSeq), hash: headHash! };
        if (head) lotsMatched++;
        current = { lotId: lotId!, verifier: new ChainVerifier(lotId!), head };
        if (!head) {
          report({
            lotId: lotId!,
            seq: Number(seq),
            fault: 'unknown-lot',
            detail: 'events of a lot that does not exist',
          });
        }
      }
      if (!current.head || current.verifier.failed) return;
      current.verifier.push({
        lotId: lotId!,
        seq: Number(seq),
        format: Number(format),
        type: type!,
        occurredAt: isoTimestamp(occurredAt!),
        recordedAt: isoTimestamp(recordedAt!),
        actor: { organisationId: org!, memberId: member },
        payload: JSON.parse(payload!) as LedgerObject,
        prevHash: prevHash!,
        hash: hash!,
      });
    });
    close();
    passes.push({ name: 'chains', ms: performance.now() - t0, rows: events });

    // Lots whose chain has no event at all (only looked for when the counts disagree).
    t0 = performance.now();
    const [{ lots }] = (await client.query(`SELECT count(*)::int AS lots FROM lots`)).rows as Array<{ lots: number }>;
    if (lots !== lotsMatched) {
      const { rows } = await client.query(
        `SELECT l.id FROM lots l
          WHERE NOT EXISTS (SELECT 1 FROM custody_events e WHERE e.lot_id = l.id AND e.chain_started_at = l.created_at)
          ORDER BY l.id`,
      );
      for (const r of rows as Array<{ id: string }>) {
        report({ lotId: r.id, seq: 1, fault: 'empty-chain', detail: 'the lot has no events' });
      }
    }
    passes.push({ name: 'empty-chains', ms: performance.now() - t0, rows: lots });

    t0 = performance.now();
    const log = await auditLog(client, report);
    if (log.entries !== logged || log.pending !== pendingMatched) await reportVanishedEvents(client, report);
    passes.push({ name: 'log', ms: performance.now() - t0, rows: log.entries });
    await client.query('COMMIT');
    return {
      ok: findingCount === 0,
      lots,
      events,
      findings,
      findingCount,
      log,
      passes,
      startedAt,
      ms: performance.now() - started,
    };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

/** Pass 3: the log's entries in order, their leaves rebuilt, the root against the latest checkpoint. */
async function auditLog(client: ClientBase, report: (f: AuditFinding) => void): Promise<LogAudit> {
  const { rows: checkpoints } = await client.query<RawCheckpoint & { publicKey: string | null }>(
    `SELECT c.tree_size AS "treeSize", encode(c.root_hash, 'hex') AS "rootHash", c.issued_at AS "issuedAt",
            c.key_id AS "keyId", c.signature, k.public_key AS "publicKey"
       FROM ledger_checkpoints c LEFT JOIN ledger_signing_keys k ON k.key_id = c.key_id
      ORDER BY c.tree_size DESC LIMIT 1`,
  );
  const {
    rows: [{ pending }],
  } = await client.query<{ pending: number }>(`SELECT count(*)::int AS pending FROM ledger_log_pending`);
  const row = checkpoints[0];
  const checkpoint: SignedCheckpoint | null = row ? toCheckpoint(row) : null;
  const logFault = (fault: AuditFault, detail: string, logIndex?: number) =>
    report({ lotId: null, seq: null, ...(logIndex === undefined ? {} : { logIndex }), fault, detail });

  let signatureOk = false;
  if (checkpoint) {
    const check = row!.publicKey ? verifyCheckpoint(importPublicKey(row!.publicKey), checkpoint) : null;
    if (!check)
      logFault('checkpoint-invalid', `checkpoint ${checkpoint.treeSize}: no published key ${checkpoint.keyId}`);
    else if (!check.ok) logFault('checkpoint-invalid', `checkpoint ${checkpoint.treeSize}: ${check.reason}`);
    else signatureOk = true;
  }

  const frontier = MerkleFrontier.empty();
  let rootChecked = false;
  let rootOk = false;
  const checkRoot = () => {
    rootChecked = true;
    const root = hashToHex(frontier.root());
    rootOk = root === checkpoint!.rootHash;
    if (!rootOk) {
      logFault(
        'root-mismatch',
        `the first ${checkpoint!.treeSize} entries hash to ${root}, checkpoint says ${checkpoint!.rootHash}`,
      );
    }
  };
  let entries = 0;
  let previousIndex = -1;
  await copyTo(client, LOG_QUERY, (line) => {
    const [index, lotId, seq, eventHash, storedLeaf] = splitCopyLine(line.toString('utf8'));
    const logIndex = Number(index);
    if (logIndex !== previousIndex + 1) {
      report({
        lotId: lotId!,
        seq: Number(seq),
        logIndex,
        fault: 'log-index-gap',
        detail: `entry ${logIndex} follows ${previousIndex < 0 ? 'the start of the log' : `entry ${previousIndex}`}`,
      });
    }
    previousIndex = logIndex;
    entries++;
    // The leaf rebuilt from the entry's own fields; appended at the next position of the tree, so a
    // removed or inserted entry shows as a gap and a root mismatch.
    const leaf = custodyLeafHash(custodyLeaf({ logIndex, lotId: lotId!, seq: Number(seq), eventHash: eventHash! }));
    if (hashToHex(leaf) !== storedLeaf) {
      report({
        lotId: lotId!,
        seq: Number(seq),
        logIndex,
        fault: 'leaf-differs',
        detail: `stored leaf hash ${storedLeaf}, rebuilt ${hashToHex(leaf)}`,
      });
    }
    frontier.append(leaf);
    if (checkpoint && frontier.size === checkpoint.treeSize) checkRoot();
  });
  if (checkpoint && !rootChecked) {
    logFault(
      'log-shorter-than-checkpoint',
      `the log has ${entries} entries, checkpoint ${checkpoint.treeSize} covers more`,
    );
  }
  return { checkpoint, rootVerified: signatureOk && rootOk, entries, pending };
}

/** Log entries and pending rows whose event no longer exists (the event was removed or moved). */
async function reportVanishedEvents(client: ClientBase, report: (f: AuditFinding) => void): Promise<void> {
  const { rows } = await client.query<{ lot_id: string; seq: number; log_index: string | null }>(
    `SELECT le.lot_id, le.seq, le.log_index FROM ledger_log_entries le
      WHERE NOT EXISTS (SELECT 1 FROM custody_events e WHERE e.lot_id = le.lot_id AND e.seq = le.seq)
     UNION ALL
     SELECT p.lot_id, p.seq, NULL FROM ledger_log_pending p
      WHERE NOT EXISTS (SELECT 1 FROM custody_events e
                         WHERE e.global_seq = p.global_seq AND e.lot_id = p.lot_id AND e.seq = p.seq)
     ORDER BY 1, 2`,
  );
  for (const r of rows) {
    report({
      lotId: r.lot_id,
      seq: r.seq,
      ...(r.log_index === null ? {} : { logIndex: Number(r.log_index) }),
      fault: 'event-missing',
      detail: r.log_index === null ? 'queued for the log, but the event is gone' : `logged at index ${r.log_index}`,
    });
  }
}

const PG_TIMESTAMP = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})(?:\.(\d{1,6}))?\+00$/;

/**
 * PostgreSQL's ISO output of a UTC timestamptz(3) (`2024-06-01 00:00:02.5+00`) as the ledger
 * writes times (`2024-06-01T00:00:02.500Z`); anything unusual goes through Date.
 */
export function isoTimestamp(text: string): string {
  const m = PG_TIMESTAMP.exec(text);
  if (!m) return new Date(text).toISOString();
  const fraction = (m[3] ?? '').padEnd(3, '0');
  if (fraction.length > 3) return new Date(text.replace(' ', 'T').replace('+00', 'Z')).toISOString();
  return `${m[1]}T${m[2]}.${fraction}Z`;
}
