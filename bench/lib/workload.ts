import type { BenchService } from './service';

export interface BenchContext {
  service: BenchService;
  /** Multiplier of the default data sizes (1 = the sizes the targets are stated for). */
  scale: number;
  /** CI smoke mode: tiny sizes, one run, no target verdicts. */
  smoke: boolean;
  /** Authorization headers for the platform admin. */
  admin: Record<string, string>;
  /** RSS of the service's API and worker processes right after they became ready (MB). */
  idleRssMb: { api: number; worker: number };
  /** `--growth-events`: stored events of the growth workload, overriding its default size. */
  growthEvents?: number;
}

export interface WorkloadResult {
  /** The workload's figures (e.g. events_per_s, p99_ms). */
  metrics: Record<string, number>;
  /** The physical baseline measured in the same run. */
  baseline: Record<string, number>;
  notes?: string;
}

export interface Workload {
  name: string;
  title: string;
  /** The target as stated in the issue, and how to judge it from the median metrics. */
  target: string;
  met?: (metrics: Record<string, number>) => boolean;
  run(ctx: BenchContext): Promise<WorkloadResult>;
  /** Called once after all runs (e.g. to stop services the workload started itself). */
  teardown?(): Promise<void>;
}

/** The context with another service (and its admin) in place of the shared one. */
export const withService = (ctx: BenchContext, service: BenchService): BenchContext => ({
  ...ctx,
  service,
  admin: { authorization: `Bearer ${service.adminKey}` },
});
