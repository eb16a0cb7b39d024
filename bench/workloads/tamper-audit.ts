import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { Client } from 'pg';
import { copyTo } from '../../src/database/pg-copy';
import type { AuditReport } from '../../src/transparency/tamper-audit';
import { createActor, createLots } from '../lib/api';
import { loadLedger, type LedgerSpec } from '../lib/ledger-data';
import { BULK_LOADED, startService, type BenchService } from '../lib/service';
import { withService, type BenchContext, type Workload } from '../lib/workload';

interface Background {
  events: number;
  loadMs: number;
  /** Time the service's checkpoint job took to log the loaded events (when asked to). */
  logMs?: number;
}

/** This workload's own service (see `tamperAudit`) and what was loaded into it. */
let own: { service: BenchService; bg: Background } | null = null;

/** Connects a fresh client to the service's database. */
export const connector = (url: string) => async () => {
  const c = new Client({ connectionString: url });
  await c.connect();
  return c;
};

/** A ledger spec for `events` events in lots of about `perLot`, owned by a new actor (created through the API). */
export async function backgroundSpec(ctx: BenchContext, events: number, perLot = 10): Promise<LedgerSpec> {
  const actor = await createActor(ctx);
  const [probe] = await createLots(ctx, actor, 1);
  const lot = (await (await fetch(`${ctx.service.baseUrl}/v1/lots/${probe}`, { headers: actor.headers })).json()) as {
    catalogueEditionId: string;
    wasteCategory: string;
  };
  return {
    organisationId: actor.organisationId,
    memberId: actor.memberId,
    regionCode: '371502',
    createdBy: `member:${actor.memberId}`,
    catalogueEditionId: lot.catalogueEditionId,
    wasteCategory: lot.wasteCategory,
    lots: Math.max(1, Math.round(events / perLot)),
    eventsPerLot: perLot,
    months: 12,
  };
}

/**
 * Loads `events` background events into the service's database, then VACUUM ANALYZE and a
 * CHECKPOINT, so that the load's dirty pages are not written out during the next measurement.
 * The bulk load bypasses the trigger that queues each event for the global log; with `log`, the
 * loaded events are queued afterwards (in global_seq order, as the trigger would have) and the
 * service's own checkpoint job logs and signs them before this returns.
 */
export async function loadBackground(
  ctx: BenchContext,
  events: number,
  options: { log?: boolean } = {},
): Promise<Background> {
  const spec = await backgroundSpec(ctx, events);
  const t0 = performance.now();
  let last = 0;
  const result = await loadLedger(connector(ctx.service.databaseUrl), spec, {
    onProgress: (n) => {
      if (n - last >= 1_000_000) {
        last = n;
        process.stderr.write(`  loaded ${n} events (${((performance.now() - t0) / 1000).toFixed(0)} s)\n`);
      }
    },
  });
  const loadMs = performance.now() - t0;
  const db = await connector(ctx.service.databaseUrl)();
  try {
    let logMs: number | undefined;
    if (options.log) {
      const t1 = performance.now();
      await db.query(
        `INSERT INTO ledger_log_pending (global_seq, lot_id, seq, event_hash)
         SELECT e.global_seq, e.lot_id, e.seq, e.hash FROM custody_events e
          WHERE NOT EXISTS (SELECT 1 FROM ledger_log_entries le WHERE le.lot_id = e.lot_id AND le.seq = e.seq)
            AND NOT EXISTS (SELECT 1 FROM ledger_log_pending p WHERE p.global_seq = e.global_seq)
          ORDER BY e.global_seq`,
      );
      for (;;) {
        const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ledger_log_pending`);
        if (rows[0].n === 0) break;
        await new Promise((r) => setTimeout(r, 250));
      }
      logMs = performance.now() - t1;
    }
    await db.query('VACUUM ANALYZE lots, lot_parties, custody_events, ledger_log_entries');
    await db.query('CHECKPOINT');
    return { events: result.events, loadMs, ...(logMs === undefined ? {} : { logMs }) };
  } finally {
    await db.end();
  }
}

function runAudit(databaseUrl: string): Promise<{ report: AuditReport; wallMs: number }> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [join(__dirname, '..', '..', 'src', 'cli', 'audit-ledger.js')],
      { env: { ...process.env, DATABASE_URL: databaseUrl }, maxBuffer: 64 * 2 ** 20 },
      (error, stdout, stderr) => {
        if (error && !stdout) return reject(new Error(`audit failed: ${stderr || error.message}`));
        resolve({ report: JSON.parse(stdout) as AuditReport, wallMs: performance.now() - t0 });
      },
    );
  });
}

/**
 * Baseline: COPY of the same rows in the same order, SHA-256 of each row's bytes; then the same
 * for the log entries in log order.
 */
async function rawCopyAndHash(databaseUrl: string): Promise<{ ms: number; rows: number }> {
  const db = await connector(databaseUrl)();
  try {
    const t0 = performance.now();
    const hashLine = (line: Buffer) => {
      createHash('sha256').update(line).digest('hex');
    };
    const rows = await copyTo(
      db,
      `COPY (SELECT e.lot_id, e.seq, e.format, e.type, e.occurred_at, e.recorded_at, e.actor_organisation_id,
                    e.actor_member_id, e.payload, encode(e.prev_hash, 'hex'), encode(e.hash, 'hex')
               FROM custody_events e ORDER BY e.lot_id, e.seq) TO STDOUT`,
      hashLine,
    );
    await copyTo(
      db,
      `COPY (SELECT log_index, lot_id, seq, encode(event_hash, 'hex'), encode(leaf_hash, 'hex')
               FROM ledger_log_entries ORDER BY log_index) TO STDOUT`,
      hashLine,
    );
    return { ms: performance.now() - t0, rows };
  } finally {
    await db.end();
  }
}

/**
 * Workload 8: tamper audit of 1M events — every chain recomputed and checked against its lot's
 * head and the log, and the Merkle root of the whole log rebuilt and checked against the signed
 * checkpoint. On a service of its own: the audit judges every chain and log entry in its
 * database, and the other workloads write bulk data of their own shapes into theirs.
 */
export const tamperAudit: Workload = {
  name: 'tamper-audit',
  title: '8. Tamper audit of 1M events (all chains + Merkle root)',
  target: '≤ 30 s for 1M events',
  met: (m) => m.audit_s_per_1M_events <= 30,
  async run(shared) {
    if (!own) {
      const service = await startService(BULK_LOADED, 'tamper-audit');
      own = { service, bg: { events: 0, loadMs: 0 } };
      own.bg = await loadBackground(
        withService(shared, service),
        Math.round((shared.smoke ? 5_000 : 1_000_000) * shared.scale),
        { log: true },
      );
    }
    const { service, bg } = own;
    const { report, wallMs } = await runAudit(service.databaseUrl);
    if (!report.ok) throw new Error(`audit found ${report.findingCount} faults: ${JSON.stringify(report.findings[0])}`);
    if (!report.log.rootVerified || report.log.pending > 0) {
      throw new Error(`the log was not fully checkpointed and verified: ${JSON.stringify(report.log)}`);
    }
    const raw = await rawCopyAndHash(service.databaseUrl);
    const perMillion = (ms: number, rows: number) => ms / 1000 / (rows / 1_000_000);
    const pass = (name: string) => report.passes.find((p) => p.name === name)!.ms / 1000;
    return {
      metrics: {
        events_audited: report.events,
        log_entries_audited: report.log.entries,
        audit_s: wallMs / 1000,
        chains_pass_s: pass('chains'),
        log_pass_s: pass('log'),
        audit_s_per_1M_events: perMillion(wallMs, report.events),
        ratio_to_raw: wallMs / raw.ms,
      },
      baseline: { raw_copy_sha256_s: raw.ms / 1000, raw_s_per_1M_rows: perMillion(raw.ms, raw.rows) },
      notes: `${bg.events} events (lots of ~10 events over 12 monthly partitions) loaded by COPY in ${(bg.loadMs / 1000).toFixed(0)} s, then logged and signed by the service's checkpoint job in ${((bg.logMs ?? 0) / 1000).toFixed(0)} s (${Math.round(bg.events / ((bg.logMs ?? 1) / 1000))} leaves/s); audit = node dist/src/cli/audit-ledger.js (process start included) on this workload's own service`,
    };
  },
  async teardown() {
    const s = own;
    own = null;
    await s?.service.stop();
  },
};
