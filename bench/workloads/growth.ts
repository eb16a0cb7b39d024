import { Pool } from 'pg';
import { BULK_LOADED, startService, type BenchService } from '../lib/service';
import { until } from '../lib/wait';
import { withService as on, type Workload } from '../lib/workload';
import { appendFixture, appendOptions, measureAppends, type AppendFixture } from './appends';
import { loadBackground } from './tamper-audit';

interface GrowthState {
  empty: { service: BenchService; fx: AppendFixture };
  loaded: { service: BenchService; fx: AppendFixture; events: number; loadMs: number };
}

let state: GrowthState | null = null;
let sharedService: BenchService | null = null;
let runIndex = 0;

/** Default stored volume at --scale 1. */
export const GROWTH_EVENTS = 10_000_000;

/**
 * Workload 10: workload 1 on a service whose database already holds GROWTH_EVENTS × scale
 * events (loaded by COPY with correct chains), against the same on an empty database. Both
 * services are started by this workload (the shared one has other workloads' data) and kept
 * for all runs; the load happens once.
 */
/** Waits (up to 10 min, then goes on) until every outbox row of the service is processed: its jobs are done. */
async function settled(service: BenchService): Promise<void> {
  const pool = new Pool({ connectionString: service.databaseUrl, max: 1 });
  const pending = async () =>
    (
      await pool.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM outbox_messages WHERE processed_at IS NULL AND failed_at IS NULL`,
      )
    ).rows[0].n;
  try {
    await until(async () => (await pending()) === 0, 10 * 60_000, 500).catch(() => undefined);
  } finally {
    await pool.end();
  }
}

export const growth: Workload = {
  name: 'growth',
  title: '10. Growth: workload 1 with the stored events vs an empty database',
  target: 'p99 ≤ 1.5×, throughput ≥ 0.8× of the empty run',
  met: (m) =>
    m.batch_throughput_ratio >= 0.8 &&
    m.single_throughput_ratio >= 0.8 &&
    m.open_batch_p99_ratio <= 1.5 &&
    m.open_single_p99_ratio <= 1.5,
  async run(ctx) {
    const lots = Math.round((ctx.smoke ? 300 : 2_000) * Math.min(ctx.scale, 1));
    if (!state) {
      // Smoke (not judged): the shared service stands in for the empty one, saving a start.
      sharedService = ctx.service;
      // Both alike: the loaded one's background lots are not swept during the measurement.
      const emptyService = ctx.smoke ? ctx.service : await startService(BULK_LOADED, 'growth (empty)');
      const emptyFx = await appendFixture(on(ctx, emptyService), lots);
      const loadedService = await startService(BULK_LOADED, 'growth (loaded)');
      const events = ctx.growthEvents ?? Math.round((ctx.smoke ? 20_000 : GROWTH_EVENTS) * ctx.scale);
      const bg = await loadBackground(on(ctx, loadedService), events);
      const loadedFx = await appendFixture(on(ctx, loadedService), lots);
      state = {
        empty: { service: emptyService, fx: emptyFx },
        loaded: { service: loadedService, fx: loadedFx, ...bg },
      };
    }
    const opts = appendOptions(ctx);
    // Alternate which database goes first, so that neither always runs on a colder machine.
    // Creating a fixture and each measurement leave reconciliation jobs to the service's worker;
    // both services work theirs off before either is measured (else they run beside the other
    // one's measurement, as `other` CPU: 3.5–4.9 ms per event in the runs of 449aab2 and d594433).
    const measure = async (which: 'empty' | 'loaded') => {
      await Promise.all([settled(state!.empty.service), settled(state!.loaded.service)]);
      return measureAppends(on(ctx, state![which].service), state![which].fx, opts);
    };
    const first = runIndex++ % 2 === 0 ? 'empty' : 'loaded';
    const firstResult = await measure(first);
    const secondResult = await measure(first === 'empty' ? 'loaded' : 'empty');
    const empty = first === 'empty' ? firstResult : secondResult;
    const loaded = first === 'empty' ? secondResult : firstResult;
    const openSingle = `open_single_${opts.openRate}rps_p99_ms`;
    const openBatch = `open_batch_${opts.openBatchEventRate}eps_p99_ms`;
    return {
      metrics: {
        stored_events: state.loaded.events,
        batch_events_per_s: loaded.batch_events_per_s,
        single_events_per_s: loaded.single_events_per_s,
        [openSingle]: loaded[openSingle],
        [openBatch]: loaded[openBatch],
        batch_throughput_ratio: loaded.batch_events_per_s / empty.batch_events_per_s,
        single_throughput_ratio: loaded.single_events_per_s / empty.single_events_per_s,
        open_single_p99_ratio: loaded[openSingle] / empty[openSingle],
        open_batch_p99_ratio: loaded[openBatch] / empty[openBatch],
        errors: loaded.errors + empty.errors,
        // Noise indicator: CPU used by everything else on the machine, per event, in the
        // noisier of the two single-event phases.
        other_cpu_ms_per_event: Math.max(loaded.single_cpu_ms_per_event_other, empty.single_cpu_ms_per_event_other),
      },
      baseline: {
        empty_batch_events_per_s: empty.batch_events_per_s,
        empty_single_events_per_s: empty.single_events_per_s,
        [`empty_${openSingle}`]: empty[openSingle],
        [`empty_${openBatch}`]: empty[openBatch],
      },
      notes: `${state.loaded.events} events in ${Math.round(state.loaded.events / 10)} lots over 12 monthly partitions, loaded by COPY with correct chains in ${(state.loaded.loadMs / 1000).toFixed(0)} s (incl. VACUUM ANALYZE); same measurements as workload 1 on both databases`,
    };
  },
  async teardown() {
    if (!state) return;
    const s = state;
    state = null;
    runIndex = 0;
    const own = [s.loaded.service, ...(s.empty.service === sharedService ? [] : [s.empty.service])];
    await Promise.all(own.map((service) => service.stop()));
  },
};
