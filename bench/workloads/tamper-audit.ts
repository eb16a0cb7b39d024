import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { Client } from 'pg';
import { copyTo } from '../../src/database/pg-copy';
import type { AuditReport } from '../../src/ledger/ledger-audit';
import { createActor, createLots } from '../lib/api';
import { loadLedger, type LedgerSpec } from '../lib/ledger-data';
import type { BenchContext, Workload } from '../lib/workload';

const loaded = new WeakMap<object, { events: number; loadMs: number }>();

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
 */
export async function loadBackground(ctx: BenchContext, events: number): Promise<{ events: number; loadMs: number }> {
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
  const db = await connector(ctx.service.databaseUrl)();
  try {
    await db.query('VACUUM ANALYZE lots, lot_parties, custody_events');
    await db.query('CHECKPOINT');
  } finally {
    await db.end();
  }
  return { events: result.events, loadMs: performance.now() - t0 };
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

/** Baseline: COPY of the same rows in the same order, SHA-256 of each row's bytes. */
async function rawCopyAndHash(databaseUrl: string): Promise<{ ms: number; rows: number }> {
  const db = await connector(databaseUrl)();
  try {
    const t0 = performance.now();
    const rows = await copyTo(
      db,
      `COPY (SELECT e.lot_id, e.seq, e.format, e.type, e.occurred_at, e.recorded_at, e.actor_organisation_id,
                    e.actor_member_id, e.payload, encode(e.prev_hash, 'hex'), encode(e.hash, 'hex')
               FROM custody_events e ORDER BY e.lot_id, e.seq) TO STDOUT`,
      (line) => {
        createHash('sha256').update(line).digest('hex');
      },
    );
    return { ms: performance.now() - t0, rows };
  } finally {
    await db.end();
  }
}

/** Workload 8: tamper audit of 1M events (every chain recomputed and checked against its lot's head). */
export const tamperAudit: Workload = {
  name: 'tamper-audit',
  title: '8. Tamper audit of 1M events (all chains)',
  target: '≤ 30 s for 1M events (Merkle root: added with the transparency log)',
  met: (m) => m.audit_s_per_1M_events <= 30,
  async run(ctx) {
    let bg = loaded.get(ctx.service);
    if (!bg) {
      bg = await loadBackground(ctx, Math.round((ctx.smoke ? 5_000 : 1_000_000) * ctx.scale));
      loaded.set(ctx.service, bg);
    }
    const { report, wallMs } = await runAudit(ctx.service.databaseUrl);
    if (!report.ok) throw new Error(`audit found ${report.findingCount} faults: ${JSON.stringify(report.findings[0])}`);
    const raw = await rawCopyAndHash(ctx.service.databaseUrl);
    const perMillion = (ms: number, rows: number) => ms / 1000 / (rows / 1_000_000);
    const chains = report.passes.find((p) => p.name === 'chains')!;
    return {
      metrics: {
        events_audited: report.events,
        audit_s: wallMs / 1000,
        chains_pass_s: chains.ms / 1000,
        audit_s_per_1M_events: perMillion(wallMs, report.events),
        ratio_to_raw: wallMs / raw.ms,
      },
      baseline: { raw_copy_sha256_s: raw.ms / 1000, raw_s_per_1M_rows: perMillion(raw.ms, raw.rows) },
      notes: `${bg.events} background events (lots of ~10 events over 12 monthly partitions) loaded by COPY in ${(bg.loadMs / 1000).toFixed(0)} s, plus what earlier workloads appended; audit = node dist/src/cli/audit-ledger.js (process start included)`,
    };
  },
};
