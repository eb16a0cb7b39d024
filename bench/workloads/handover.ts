import { randomBytes, randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { cpuMeter, cpuPer } from '../lib/cpu';
import { openLoop, type HttpCall } from '../lib/load';
import { createDistrict, signedHandover, submittedManifests, type District } from '../lib/manifests';
import { latencySummary } from '../lib/stats';
import type { BenchContext, Workload } from '../lib/workload';

/** Carriers per manifest: each manifest gives one pickup and CARRIERS − 1 relays. */
const CARRIERS = 3;
/** Lines (lots) per manifest: each handover appends one RECEIVED event per lot. */
const LOTS_PER_MANIFEST = 2;

const districts = new WeakMap<object, District>();

/**
 * The handovers of `manifests`, in the order they are sent: leg n + 1 of a manifest is due about
 * `lagMs` after its leg n (the previous handover has long been confirmed by then), so that from
 * the second `lagMs` on, pickups and relays of different manifests are interleaved. Every
 * request is signed here, before the measured phase; `occurredAt` is one instant after all
 * the manifests were submitted (equal times are allowed, earlier ones are not).
 */
function schedule(
  d: District,
  manifests: { id: string; number: string }[],
  rate: number,
  lagMs: number,
  run: string,
): HttpCall[] {
  const lag = Math.max(1, Math.ceil((rate * lagMs) / 1000 / CARRIERS));
  const occurredAt = new Date().toISOString();
  const items = manifests.flatMap((m, i) =>
    Array.from({ length: CARRIERS }, (_, leg) => ({ key: (i + leg * lag) * CARRIERS + leg, m, leg })),
  );
  items.sort((a, b) => a.key - b.key);
  return items.map(({ m, leg }) => signedHandover(d, m, leg, occurredAt, `${run}-${m.id}-${leg}`));
}

async function handovers(ctx: BenchContext, d: District, opts: { rate: number; durationMs: number; lagMs: number }) {
  const total = Math.floor((opts.rate * opts.durationMs) / 1000);
  const manifests = await submittedManifests(ctx, d, Math.ceil(total / CARRIERS), LOTS_PER_MANIFEST);
  return schedule(d, manifests, opts.rate, opts.lagMs, randomBytes(4).toString('hex'));
}

/** Baseline: one-row INSERT + commit (autocommit) on one `pg` connection, sequentially. */
async function singleInserts(ctx: BenchContext, n: number): Promise<number[]> {
  const db = new Client({ connectionString: ctx.service.databaseUrl });
  await db.connect();
  try {
    await db.query(`DROP TABLE IF EXISTS bench_scratch_inserts;
      CREATE TABLE bench_scratch_inserts (id bigserial PRIMARY KEY, manifest_id uuid NOT NULL, payload jsonb NOT NULL,
                                          hash bytea NOT NULL, recorded_at timestamptz NOT NULL DEFAULT now())`);
    const sql = {
      name: 'bench-single-insert',
      text: 'INSERT INTO bench_scratch_inserts (manifest_id, payload, hash) VALUES ($1, $2, $3)',
    };
    const latencies: number[] = [];
    for (let i = 0; i < n; i++) {
      const values = [randomUUID(), JSON.stringify({ action: 'relay', location: '高速服务区', i }), randomBytes(32)];
      const t0 = performance.now();
      await db.query({ ...sql, values });
      latencies.push(performance.now() - t0);
    }
    return latencies.slice(Math.min(50, n >> 2)); // the first statements plan and warm up
  } finally {
    await db.query('DROP TABLE IF EXISTS bench_scratch_inserts').catch(() => undefined);
    await db.end();
  }
}

/** Workload 2: device-signed handover confirmations (pickup/relay) at a fixed rate. */
export const handover: Workload = {
  name: 'handover',
  title: '2. Handover confirmations (pickup/relay) at 500 req/s, signed',
  target: 'p99 ≤ 25 ms at 500 req/s',
  met: (m) => m.open_500rps_p99_ms <= 25,
  async run(ctx) {
    const rate = ctx.smoke ? 50 : 500;
    const durationMs = ctx.smoke ? 1_000 : 10_000;
    const warmupMs = ctx.smoke ? 0 : 1_000;
    const lagMs = ctx.smoke ? 200 : 1_000;
    let d = districts.get(ctx.service);
    if (!d) {
      d = await createDistrict(ctx, CARRIERS);
      districts.set(ctx.service, d);
    }
    const warmup = warmupMs > 0 ? await handovers(ctx, d, { rate, durationMs: warmupMs, lagMs }) : [];
    const measured = await handovers(ctx, d, { rate, durationMs, lagMs });

    // Baselines of the same run: the HTTP stack alone at the same rate, and one commit.
    const noop: HttpCall = { method: 'POST', path: '/bench/noop', headers: ctx.admin, body: {} };
    const empty = await openLoop(ctx.service.baseUrl, () => noop, { rate, durationMs });
    const inserts = latencySummary(await singleInserts(ctx, ctx.smoke ? 100 : 2_000));

    if (warmup.length > 0)
      await openLoop(ctx.service.baseUrl, (k) => warmup[k], { rate, durationMs: warmupMs, connections: 256 });
    const statuses = new Map<number, number>();
    let ok = 0;
    const cpu = cpuMeter(ctx.service.pids, ctx.service.databaseUrl);
    const open = await openLoop(ctx.service.baseUrl, (k) => measured[k], {
      rate,
      durationMs,
      onStatus: (status) => {
        if (status >= 200 && status < 300) ok++;
        else statuses.set(status, (statuses.get(status) ?? 0) + 1);
      },
    });
    const perHandover = cpuPer(cpu(), open.sent);
    const errors = open.sent - ok;
    if (errors > 0) {
      const byStatus = [...statuses].map(([s, n]) => `${s}: ${n}`).join(', ');
      process.stderr.write(`  handover: ${errors} of ${open.sent} not 2xx (${byStatus || 'network errors'})\n`);
    }
    const lat = latencySummary(open.latencies);
    const emptyLat = latencySummary(empty.latencies);
    return {
      metrics: {
        [`open_${rate}rps_p50_ms`]: lat.p50,
        [`open_${rate}rps_p99_ms`]: lat.p99,
        [`open_${rate}rps_max_ms`]: lat.max,
        handovers: ok,
        errors: errors + empty.errors,
        ratio_p99_to_empty_post_p99: lat.p99 / emptyLat.p99,
        cpu_ms_per_handover_service: perHandover.service,
        cpu_ms_per_handover_postgres: perHandover.postgres,
        cpu_ms_per_handover_other: perHandover.other,
      },
      baseline: {
        [`empty_post_${rate}rps_p99_ms`]: emptyLat.p99,
        single_insert_p50_ms: inserts.p50,
        single_insert_p99_ms: inserts.p99,
      },
      notes:
        `a licensed consignee, ${CARRIERS} licensed carriers each with a DRIVER and a registered Ed25519 device key; per run a new ` +
        `consignor submits ${Math.ceil((rate * durationMs) / 1000 / CARRIERS)} manifests of ${LOTS_PER_MANIFEST} lots over the ${CARRIERS} carriers; ` +
        `then ${rate} req/s open loop for ${durationMs / 1000} s of pickups and relays (leg n+1 of a manifest ~${lagMs} ms after leg n), ` +
        `signed in advance by the bench (payload time = after the submits), each with an Idempotency-Key; ` +
        `${warmupMs ? `${warmupMs / 1000} s of handovers on other manifests before it (warm-up); ` : ''}` +
        `baselines: empty POST at the same rate, one-row INSERT + commit on one pg connection`,
    };
  },
};
