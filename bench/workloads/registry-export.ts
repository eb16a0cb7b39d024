import { request } from 'undici';
import { copyTo } from '../../src/database/pg-copy';
import { registerQuery } from '../../src/registry/registry.repository';
import { createActor, type BenchActor } from '../lib/api';
import { loadLedger } from '../lib/ledger-data';
import { BULK_LOADED, processMemory, startService, type BenchService } from '../lib/service';
import { withService, type BenchContext, type Workload } from '../lib/workload';
import { backgroundSpec, connector } from './tamper-audit';

const DAY = 86_400_000;
/** Lines per manifest: a truck of 100 drums, as in the registry-bulk e2e test. */
const LINES = 100;
const SAMPLE_MS = 50;

interface Fixture {
  rows: number;
  from: string;
  to: string;
  /** The consignee (TREATER) whose `incoming` register is exported, as itself. */
  treater: BenchActor;
  generatorId: string;
  loadMs: number;
}

/**
 * This workload's own service and its fixture. A service of its own: a million open lots and
 * 10,000 manifests would otherwise become subjects of the shared service's reconciliation run
 * and checkpoint neighbourhood, whose figures are judged per 100k subjects.
 */
let own: { service: BenchService; fx: Fixture } | null = null;

/**
 * The `incoming` register of one treater: `rows` lots of a generator (one lot per manifest
 * line, each with its genesis event: correct one-event chains and heads), shipped on manifests of
 * 100 lines, picked up by one carrier and delivered to and received by the treater a few hours
 * after their last lot was created, over the past 12 months. Loaded by COPY (bench/lib/ledger-data).
 */
async function load(ctx: BenchContext): Promise<Fixture> {
  const rows = Math.max(LINES, Math.round(((ctx.smoke ? 5_000 : 1_000_000) * ctx.scale) / LINES) * LINES);
  const treater = await createActor(ctx, '370102', ['TREATER']);
  const carrier = await createActor(ctx, '371502', ['TRANSPORTER']);
  const spec = await backgroundSpec(ctx, rows, 1);
  const until = Date.now() - DAY;
  spec.until = until;
  spec.manifests = {
    consigneeId: treater.organisationId,
    consigneeRegion: '370102',
    carrierId: carrier.organisationId,
    linesPerManifest: LINES,
    // City code 9999 is no real city's: the service never issues these numbers.
    numberPrefix: `${new Date(until).getUTCFullYear()}9999`,
  };
  const t0 = performance.now();
  await loadLedger(connector(ctx.service.databaseUrl), spec);
  const db = await connector(ctx.service.databaseUrl)();
  try {
    await db.query(
      'VACUUM ANALYZE lots, lot_parties, custody_events, manifests, manifest_lines, manifest_steps, manifest_carriers',
    );
    await db.query('CHECKPOINT');
  } finally {
    await db.end();
  }
  const loadMs = performance.now() - t0;
  return {
    rows,
    // Every delivery falls inside: lots are created over 12 × 30 days up to `until`, delivered ≤ 3 h later.
    from: new Date(until - 12 * 30 * DAY - DAY).toISOString(),
    to: new Date(until + DAY).toISOString(),
    treater,
    generatorId: spec.organisationId,
    loadMs,
  };
}

interface Measured {
  ms: number;
  rows: number;
  bytes: number;
  growthMb: number;
}

/**
 * One export through the API, the body read as a stream and its records counted (no field of
 * the fixture holds a line break, so each LF ends one); the service's RSS sampled every 50 ms.
 */
async function exportOnce(ctx: BenchContext, fx: Fixture, format: 'csv' | 'ndjson'): Promise<Measured> {
  const pid = ctx.service.pid;
  const before = processMemory(pid).rssMb;
  let peak = before;
  const sample = () => {
    peak = Math.max(peak, processMemory(pid).rssMb);
  };
  const timer = setInterval(sample, SAMPLE_MS);
  const query = new URLSearchParams({ kind: 'incoming', from: fx.from, to: fx.to, format });
  const t0 = performance.now();
  let newlines = 0;
  let bytes = 0;
  try {
    const res = await request(`${ctx.service.baseUrl}/v1/registry/export?${query}`, { headers: fx.treater.headers });
    if (res.statusCode !== 200) throw new Error(`export ${format} → ${res.statusCode}: ${await res.body.text()}`);
    for await (const chunk of res.body as AsyncIterable<Buffer>) {
      bytes += chunk.length;
      for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) newlines++;
    }
  } finally {
    clearInterval(timer);
  }
  const ms = performance.now() - t0;
  sample();
  const rows = format === 'csv' ? newlines - 1 : newlines;
  if (rows !== fx.rows) throw new Error(`export ${format}: ${rows} rows, expected ${fx.rows}`);
  return { ms, rows, bytes, growthMb: peak - before };
}

/** Baseline: the repository's own `incoming` query, unformatted, as `COPY (…) TO STDOUT`, rows counted. */
async function copyBaseline(ctx: BenchContext, fx: Fixture): Promise<{ ms: number; rows: number }> {
  const sql = registerQuery('incoming', {
    scope: { kind: 'organisation', organisationId: fx.treater.organisationId, regionCode: '370102' },
    from: new Date(fx.from),
    to: new Date(fx.to),
  });
  const db = await connector(ctx.service.databaseUrl)();
  try {
    let rows = 0;
    const t0 = performance.now();
    await copyTo(db, `COPY (${sql}) TO STDOUT`, () => {
      rows++;
    });
    const ms = performance.now() - t0;
    if (rows !== fx.rows) throw new Error(`COPY baseline: ${rows} rows, expected ${fx.rows}`);
    return { ms, rows };
  } finally {
    await db.end();
  }
}

const per1M = (ms: number, rows: number) => ms / 1000 / (rows / 1_000_000);

/** Workload 7: the `incoming` register of a treater, 1M rows, exported as CSV and as NDJSON. */
export const registryExport: Workload = {
  name: 'registry-export',
  title: '7. Registry export, 1M rows (CSV and NDJSON)',
  target: '1M rows ≤ 15 s each format, service RSS growth ≤ 64 MB, throughput ≥ 0.25× COPY of the same query',
  met: (m) =>
    per1M(m.csv_s * 1000, m.rows) <= 15 &&
    per1M(m.ndjson_s * 1000, m.rows) <= 15 &&
    m.csv_rss_growth_mb <= 64 &&
    m.ndjson_rss_growth_mb <= 64 &&
    m.ratio_csv_to_copy >= 0.25 &&
    m.ratio_ndjson_to_copy >= 0.25,
  async run(shared) {
    if (!own) {
      const service = await startService(BULK_LOADED, 'registry-export');
      own = { service, fx: await load(withService(shared, service)) };
    }
    const ctx = withService(shared, own.service);
    const { fx } = own;
    const csv = await exportOnce(ctx, fx, 'csv');
    const ndjson = await exportOnce(ctx, fx, 'ndjson');
    const copy = await copyBaseline(ctx, fx);
    const rate = (m: { ms: number; rows: number }) => m.rows / (m.ms / 1000);
    return {
      metrics: {
        rows: fx.rows,
        csv_s: csv.ms / 1000,
        ndjson_s: ndjson.ms / 1000,
        csv_rows_per_s: rate(csv),
        ndjson_rows_per_s: rate(ndjson),
        csv_mb: csv.bytes / 2 ** 20,
        ndjson_mb: ndjson.bytes / 2 ** 20,
        csv_rss_growth_mb: csv.growthMb,
        ndjson_rss_growth_mb: ndjson.growthMb,
        ratio_csv_to_copy: rate(csv) / rate(copy),
        ratio_ndjson_to_copy: rate(ndjson) / rate(copy),
      },
      baseline: { copy_s: copy.ms / 1000, copy_rows_per_s: rate(copy) },
      notes: `incoming register of one treater: ${fx.rows} manifest lines (${fx.rows / LINES} RECEIVED manifests of ${LINES} lines, one lot each with its genesis event) loaded by COPY in ${(fx.loadMs / 1000).toFixed(0)} s (VACUUM ANALYZE included) into this workload's own service; exported as the treater over 12 months; RSS of the API process sampled every ${SAMPLE_MS} ms`,
    };
  },
  async teardown() {
    const s = own;
    own = null;
    await s?.service.stop();
  },
};
