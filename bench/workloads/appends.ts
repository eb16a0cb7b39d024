import { randomBytes, randomUUID } from 'node:crypto';
import { Pool } from 'pg';
import { GENESIS_HASH, sealEvents, type LedgerObject } from '../../src/ledger/domain/event-hash';
import { createActor, createLots, packagedEvent, retrievedEvent, storedEvent, type BenchActor } from '../lib/api';
import { cpuMeter, cpuPer, type CpuSplit } from '../lib/cpu';
import { closedLoop, openLoop, type HttpCall } from '../lib/load';
import { latencySummary } from '../lib/stats';
import type { BenchContext, Workload } from '../lib/workload';

/** The batch endpoint and its largest batch. */
export const BATCH_PATH = '/v1/lots/events/batch';
export const BATCH_SIZE = 100;

/** Lots the appends are spread over, and what each lot holds now (so that every event is valid). */
export interface AppendFixture {
  actor: BenchActor;
  lots: string[];
  /** Per lot: 0 = ACTIVE (next STORED), 1 = STORED (next RETRIEVED). */
  stored: Uint8Array;
  run: string;
}

export async function appendFixture(ctx: BenchContext, lots: number): Promise<AppendFixture> {
  const actor = await createActor(ctx);
  const ids = await createLots(ctx, actor, lots);
  return { actor, lots: ids, stored: new Uint8Array(ids.length), run: randomBytes(4).toString('hex') };
}

/** The next valid event of lot `j` (STORED and RETRIEVED alternate), flipping its recorded state. */
function nextEvent(fx: AppendFixture, j: number, k: number) {
  const occurredAt = new Date().toISOString();
  const stored = fx.stored[j] === 1;
  fx.stored[j] = stored ? 0 : 1;
  return stored ? retrievedEvent(occurredAt, k) : storedEvent(occurredAt, k);
}

export interface AppendOptions {
  durationMs: number;
  warmupMs: number;
  /** Closed-loop concurrency of single-event requests. */
  concurrency: number;
  /** Closed-loop concurrency of batch requests. */
  batchConcurrency: number;
  /** Open-loop rate of single-event requests (req/s). */
  openRate: number;
  /** Open-loop rate of events sent as batches of BATCH_SIZE (events/s). */
  openBatchEventRate: number;
}

export function appendOptions(ctx: BenchContext): AppendOptions {
  return {
    durationMs: ctx.smoke ? 600 : 5_000,
    warmupMs: ctx.smoke ? 200 : 1_000,
    concurrency: 32,
    batchConcurrency: 8,
    openRate: ctx.smoke ? 100 : 250,
    openBatchEventRate: ctx.smoke ? 1_000 : 3_000,
  };
}

/**
 * Workload 1's measurements on a fixture: single-event appends (closed and open loop), batch
 * appends (closed and open loop). Each request carries an Idempotency-Key; each append writes
 * its outbox row. Shared with the growth workload.
 */
export async function measureAppends(ctx: BenchContext, fx: AppendFixture, opts: AppendOptions) {
  const base = ctx.service.baseUrl;
  const L = fx.lots.length;
  const key = (phase: string, i: number) => `${fx.run}-${phase}-${i}-${randomBytes(3).toString('hex')}`;
  const single =
    (phase: string) =>
    (i: number): HttpCall => {
      const j = i % L;
      return {
        method: 'POST',
        path: `/v1/lots/${fx.lots[j]}/events`,
        headers: { ...fx.actor.headers, 'idempotency-key': key(phase, i) },
        body: nextEvent(fx, j, i),
      };
    };
  // The open loop overlaps requests (more so when answers are slow), so its batches carry PACKAGED
  // events, valid whatever the lot's state: alternating STORED/RETRIEVED batches overtaking one
  // another would be refused (409) and counted as errors.
  const batch =
    (phase: string, open = false) =>
    (i: number): HttpCall => {
      const first = (i * BATCH_SIZE) % L;
      const events = Array.from({ length: BATCH_SIZE }, (_, k) => {
        const j = (first + k) % L;
        const event = open ? packagedEvent(new Date().toISOString(), i + k) : nextEvent(fx, j, i + k);
        return { lotId: fx.lots[j], ...event };
      });
      return {
        method: 'POST',
        path: BATCH_PATH,
        headers: { ...fx.actor.headers, 'idempotency-key': key(phase, i) },
        body: { events },
      };
    };

  const meter = (): (() => CpuSplit) => cpuMeter(ctx.service.pids, ctx.service.databaseUrl);
  let cpu = meter();
  const closedSingle = await closedLoop(base, single('s'), {
    concurrency: opts.concurrency,
    durationMs: opts.durationMs,
    warmupMs: opts.warmupMs,
  });
  const singleCpu = cpuPer(cpu(), closedSingle.latencies.length + closedSingle.warmupCount);
  const openSingle = await openLoop(base, (i) => packagedCall(fx, i, key('o', i)), {
    rate: opts.openRate,
    durationMs: opts.durationMs,
  });
  const metrics: Record<string, number> = {
    single_events_per_s: closedSingle.rps,
    single_p99_ms: latencySummary(closedSingle.latencies).p99,
    single_cpu_ms_per_event_service: singleCpu.service,
    single_cpu_ms_per_event_postgres: singleCpu.postgres,
    single_cpu_ms_per_event_other: singleCpu.other,
    [`open_single_${opts.openRate}rps_p50_ms`]: latencySummary(openSingle.latencies).p50,
    [`open_single_${opts.openRate}rps_p99_ms`]: latencySummary(openSingle.latencies).p99,
  };
  let errors = closedSingle.errors + openSingle.errors;

  const probe = await fetch(`${base}${BATCH_PATH}`, { method: 'POST', headers: fx.actor.headers });
  if (probe.status !== 404) {
    cpu = meter();
    const closedBatch = await closedLoop(base, batch('b'), {
      concurrency: opts.batchConcurrency,
      durationMs: opts.durationMs,
      warmupMs: opts.warmupMs,
    });
    const batchCpu = cpuPer(cpu(), (closedBatch.latencies.length + closedBatch.warmupCount) * BATCH_SIZE);
    const rate = opts.openBatchEventRate / BATCH_SIZE;
    const openBatch = await openLoop(base, batch('ob', true), { rate, durationMs: opts.durationMs });
    metrics.batch_events_per_s = closedBatch.rps * BATCH_SIZE;
    metrics.batch_request_p99_ms = latencySummary(closedBatch.latencies).p99;
    metrics.batch_cpu_ms_per_event_service = batchCpu.service;
    metrics.batch_cpu_ms_per_event_postgres = batchCpu.postgres;
    metrics.batch_cpu_ms_per_event_other = batchCpu.other;
    metrics[`open_batch_${opts.openBatchEventRate}eps_p50_ms`] = latencySummary(openBatch.latencies).p50;
    metrics[`open_batch_${opts.openBatchEventRate}eps_p99_ms`] = latencySummary(openBatch.latencies).p99;
    errors += closedBatch.errors + openBatch.errors;
  }
  metrics.errors = errors;
  return metrics;
}

/** PACKAGED is valid whatever the lot's state, so an open loop (which may overlap requests) never trips a rule. */
function packagedCall(fx: AppendFixture, i: number, key: string): HttpCall {
  const j = (i * 7919) % fx.lots.length;
  return {
    method: 'POST',
    path: `/v1/lots/${fx.lots[j]}/events`,
    headers: { ...fx.actor.headers, 'idempotency-key': key },
    body: packagedEvent(new Date().toISOString(), i),
  };
}

/**
 * Baseline: hash-chained appends straight through `pg`, computed with the service's own
 * `sealEvents`, inserted `perStatement` at a time (one transaction each) into a scratch table
 * shaped like custody_events (same columns, checks, primary key and indexes).
 */
export async function rawBatchedAppends(
  ctx: BenchContext,
  opts: { durationMs: number; perStatement: number; connections: number; lots: number },
): Promise<number> {
  const pool = new Pool({ connectionString: ctx.service.databaseUrl, max: opts.connections });
  try {
    await pool.query(`DROP TABLE IF EXISTS bench_scratch_events; DROP SEQUENCE IF EXISTS bench_scratch_seq;
      CREATE SEQUENCE bench_scratch_seq AS bigint;
      CREATE TABLE bench_scratch_events (LIKE custody_events INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING INDEXES);
      ALTER TABLE bench_scratch_events ALTER global_seq SET DEFAULT nextval('bench_scratch_seq')`);
    const org = randomUUID();
    const member = randomUUID();
    const heads = Array.from({ length: opts.lots }, () => ({ id: randomUUID(), seq: 0, hash: GENESIS_HASH }));
    const started = new Date();
    let next = 0;
    let events = 0;
    const stopAt = performance.now() + opts.durationMs;
    const t0 = performance.now();
    const worker = async () => {
      while (performance.now() < stopAt) {
        const rows: unknown[] = [];
        const now = new Date();
        // Events spread over lots; each lot's events are chained in order.
        for (let k = 0; k < opts.perStatement; k++) {
          const head = heads[next++ % heads.length];
          const payload: LedgerObject = { handlerName: '李四', location: { code: 'ZC-01', type: 'WAREHOUSE' } };
          const [s] = sealEvents(head.id, head, [{ type: 'STORED', occurredAt: now, payload }], now, {
            organisationId: org,
            memberId: member,
          });
          head.seq = s.content.seq;
          head.hash = s.hash;
          rows.push({
            lot_id: head.id,
            seq: s.content.seq,
            type: 'STORED',
            occurred_at: s.content.occurredAt,
            payload,
            prev_hash: s.content.prevHash,
            hash: s.hash,
          });
        }
        await pool.query(
          `INSERT INTO bench_scratch_events (lot_id, seq, chain_started_at, format, type, occurred_at, recorded_at,
                                             actor_organisation_id, actor_member_id, payload, prev_hash, hash)
           SELECT e.lot_id, e.seq, $2, 1, e.type, e.occurred_at, $3, $4, $5, e.payload,
                  decode(e.prev_hash, 'hex'), decode(e.hash, 'hex')
             FROM jsonb_to_recordset($1::jsonb) AS e(lot_id uuid, seq integer, type custody_event_type,
                  occurred_at timestamptz, payload jsonb, prev_hash text, hash text)`,
          [JSON.stringify(rows), started, now, org, member],
        );
        events += rows.length;
      }
    };
    await Promise.all(Array.from({ length: opts.connections }, worker));
    return events / ((performance.now() - t0) / 1000);
  } finally {
    await pool.query(`DROP TABLE IF EXISTS bench_scratch_events; DROP SEQUENCE IF EXISTS bench_scratch_seq`);
    await pool.end();
  }
}

/** Baseline: the authenticated empty POST at the same concurrency as the single-event appends. */
export async function emptyPostRate(ctx: BenchContext, opts: AppendOptions): Promise<{ rps: number; cpuMs: number }> {
  const cpu = cpuMeter(ctx.service.pids, ctx.service.databaseUrl);
  const r = await closedLoop(
    ctx.service.baseUrl,
    () => ({ method: 'POST', path: '/bench/noop', headers: ctx.admin, body: {} }),
    { concurrency: opts.concurrency, durationMs: Math.min(opts.durationMs, 3_000), warmupMs: opts.warmupMs },
  );
  return { rps: r.rps, cpuMs: cpuPer(cpu(), r.latencies.length + r.warmupCount).service };
}

const fixtures = new WeakMap<object, AppendFixture>();

/** Workload 1: durable hash-chained custody-event appends over HTTP, many lots. */
export const appends: Workload = {
  name: 'appends',
  title: '1. Custody-event appends over HTTP (many lots, Idempotency-Key, outbox row)',
  target: '≥ 3,000 events/s (stretch 5,000)',
  met: (m) => (m.batch_events_per_s ?? m.single_events_per_s) >= 3_000,
  async run(ctx) {
    const opts = appendOptions(ctx);
    let fx = fixtures.get(ctx.service);
    if (!fx) {
      fx = await appendFixture(ctx, Math.round((ctx.smoke ? 300 : 2_000) * ctx.scale));
      fixtures.set(ctx.service, fx);
    }
    const empty = await emptyPostRate(ctx, opts);
    const raw = await rawBatchedAppends(ctx, {
      durationMs: ctx.smoke ? 500 : 3_000,
      perStatement: BATCH_SIZE,
      connections: 4,
      lots: fx.lots.length,
    });
    const metrics = await measureAppends(ctx, fx, opts);
    const best = metrics.batch_events_per_s ?? metrics.single_events_per_s;
    return {
      metrics: {
        ...metrics,
        ratio_to_raw_pg: best / raw,
        single_ratio_to_empty_post: metrics.single_events_per_s / empty.rps,
        batch_events_ratio_to_empty_post_req: (metrics.batch_events_per_s ?? NaN) / empty.rps,
      },
      baseline: {
        raw_pg_batched_events_per_s: raw,
        empty_post_req_per_s: empty.rps,
        empty_post_cpu_ms_per_req_service: empty.cpuMs,
      },
      notes:
        `${fx.lots.length} lots; single = POST /v1/lots/{id}/events (1 event/request, ${opts.concurrency} connections); ` +
        `batch = POST ${BATCH_PATH} (${BATCH_SIZE} events over ${BATCH_SIZE} lots/request, ${opts.batchConcurrency} connections); ` +
        `raw pg = ${BATCH_SIZE} events per INSERT, 4 connections, scratch table like custody_events`,
    };
  },
};
