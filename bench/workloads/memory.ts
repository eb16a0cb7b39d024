import type { Workload } from '../lib/workload';

/** Workload 11: the service's resident memory, idle now and its peak over the whole run. */
export const memory: Workload = {
  name: 'memory',
  title: '11. Memory (API and worker in one process)',
  target: 'API ≤ 200 MB, worker ≤ 256 MB peak RSS (here one process runs both: ≤ 456 MB)',
  met: (m) => m.peak_rss_mb <= 456,
  async run(ctx) {
    const m = ctx.service.memory();
    return {
      metrics: { rss_mb: m.rssMb, peak_rss_mb: m.peakMb },
      baseline: { idle_rss_mb: ctx.idleRssMb },
      notes: 'peak = VmHWM since the service started, so run this workload last',
    };
  },
};
