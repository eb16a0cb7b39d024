import type { ClientBase } from 'pg';
import { copyTo, splitCopyLine } from '../database/pg-copy';
import { ChainVerifier, type ChainFault } from './domain/chain-verifier';
import type { LedgerObject } from './domain/event-hash';

/**
 * The tamper audit: recomputes every chain of the ledger from the stored rows and compares
 * each chain's end with its lot's head, in one pass over `custody_events` (COPY, in
 * (lot_id, seq) order, joined to the lot heads), at constant memory.
 *
 * It is a list of passes over one REPEATABLE READ snapshot, each reporting its own timing:
 * `chains` now; the Merkle log's root recomputation (issue: transparency log) is added as a
 * further pass in `global_seq` order, consuming the same snapshot.
 */

export type AuditFault = ChainFault | 'unknown-lot';

export interface AuditFinding {
  lotId: string;
  seq: number;
  fault: AuditFault;
  detail: string;
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
  passes: AuditPass[];
  startedAt: string;
  ms: number;
}

export interface AuditOptions {
  maxFindings?: number;
  /** Called every 100,000 events with the number audited so far. */
  onProgress?: (events: number) => void;
}

/** Columns of the chains pass; timestamps in UTC with `SET TimeZone = 'UTC'`. */
const CHAINS_QUERY = `COPY (
  SELECT e.lot_id, e.seq, e.format, e.type, e.occurred_at, e.recorded_at, e.actor_organisation_id,
         e.actor_member_id, e.payload, encode(e.prev_hash, 'hex'), encode(e.hash, 'hex'),
         l.head_seq, encode(l.head_hash, 'hex')
    FROM custody_events e
    LEFT JOIN lots l ON l.id = e.lot_id AND l.created_at = e.chain_started_at
   ORDER BY e.lot_id, e.seq
) TO STDOUT`;

/**
 * Audits the whole ledger on `client` (a dedicated connection: it runs a read-only
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

    // Pass 1: every chain, and its end against the lot's head.
    let t0 = performance.now();
    let events = 0;
    let lotsMatched = 0;
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
      ] = splitCopyLine(line.toString('utf8'));
      events++;
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
    // (Next: the Merkle pass — leaves in global_seq order, root compared with the latest checkpoint.)
    await client.query('COMMIT');
    return {
      ok: findingCount === 0,
      lots,
      events,
      findings,
      findingCount,
      passes,
      startedAt,
      ms: performance.now() - started,
    };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
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
