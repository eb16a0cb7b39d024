import { peakOverRun } from '../lib/service';
import type { Workload } from '../lib/workload';

/**
 * Workload 11: resident memory of the API and the worker, each its own process as in a scaled-out
 * deployment: now, and the peak (VmHWM) over the whole run — the shared service's processes and
 * those of every service a workload started and stopped on its own (tamper audit, growth).
 */
export const memory: Workload = {
  name: 'memory',
  title: '11. Memory (API and worker processes)',
  target: 'API ≤ 200 MB, worker ≤ 256 MB peak RSS',
  met: (m) => m.api_peak_rss_mb <= 200 && m.worker_peak_rss_mb <= 256,
  async run(ctx) {
    const now = ctx.service.memory();
    const peak = peakOverRun(ctx.service);
    return {
      metrics: {
        api_rss_mb: now.api.rssMb,
        worker_rss_mb: now.worker.rssMb,
        api_peak_rss_mb: peak.api,
        worker_peak_rss_mb: peak.worker,
      },
      baseline: { idle_api_rss_mb: ctx.idleRssMb.api, idle_worker_rss_mb: ctx.idleRssMb.worker },
      notes: `peaks = VmHWM since each process started, over every service of the run (the shared one and those workloads start on their own), so run this workload last; the API peak was in the ${peak.apiService} service, the worker peak in the ${peak.workerService} service`,
    };
  },
};
