import { closedLoop, openLoop } from '../lib/load';
import { latencySummary } from '../lib/stats';
import type { Workload } from '../lib/workload';

/** The HTTP stack alone (auth, rate limit, JSON): the floor under every other HTTP workload. */
export const emptyPost: Workload = {
  name: 'empty-post',
  title: 'Baseline: authenticated empty POST',
  target: 'baseline for workloads 1 and 2',
  async run(ctx) {
    const call = () => ({ method: 'POST' as const, path: '/bench/noop', headers: ctx.admin, body: {} });
    const closed = await closedLoop(ctx.service.baseUrl, call, {
      concurrency: 32,
      durationMs: ctx.smoke ? 500 : 5_000,
      warmupMs: ctx.smoke ? 200 : 1_000,
    });
    const open = await openLoop(ctx.service.baseUrl, call, { rate: 500, durationMs: ctx.smoke ? 500 : 5_000 });
    const lat = latencySummary(open.latencies);
    return {
      metrics: {
        requests_per_s: closed.rps,
        open_500rps_p50_ms: lat.p50,
        open_500rps_p99_ms: lat.p99,
        errors: closed.errors + open.errors,
      },
      baseline: {},
    };
  },
};
