import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { MERGE_MAX_ROWS, MERGEABLE, OUTBOX_IDS_FIELD, QUEUE_OF, type JobEnvelope, type JobName } from './job-contracts';
import { JobQueue } from './job-queue';
import { mergedJobId, outboxIdsOf, outboxJobId, OutboxRepository, type ClaimedMessage } from './outbox.repository';
import { WorkerService } from './worker.service';

const BATCH = 1000;
/**
 * Rounds run side by side while a backlog lasts (one claims in PostgreSQL while another adds to
 * Redis; SKIP LOCKED keeps their rows apart). Idle, one round polls.
 */
const LANES = 3;

/**
 * The jobs for claimed rows: rows of a MERGEABLE job dispatched for the first time are merged, up
 * to MERGE_MAX_ROWS per job (their ids listed in the job's data); every other row is its own job,
 * id `outbox-<id>` (a redispatched row goes alone: it may be the survivor of a lost merged job).
 */
export function envelopes(rows: readonly ClaimedMessage[]): JobEnvelope[] {
  const out: JobEnvelope[] = [];
  const groups = new Map<JobName, ClaimedMessage[]>();
  for (const m of rows) {
    const name = m.jobName as JobName;
    if (MERGEABLE[name] && m.dispatchCount <= 1) groups.set(name, [...(groups.get(name) ?? []), m]);
    else out.push({ name, payload: m.payload as never, jobId: outboxJobId(m.id) });
  }
  for (const [name, group] of groups) {
    const merge = MERGEABLE[name] as (payloads: unknown[]) => Record<string, unknown>;
    for (let i = 0; i < group.length; i += MERGE_MAX_ROWS) {
      const part = group.slice(i, i + MERGE_MAX_ROWS);
      if (part.length === 1) {
        out.push({ name, payload: part[0].payload as never, jobId: outboxJobId(part[0].id) });
        continue;
      }
      const ids = part.map((m) => m.id);
      out.push({
        name,
        payload: { ...merge(part.map((m) => m.payload)), [OUTBOX_IDS_FIELD]: ids } as never,
        jobId: mergedJobId(ids),
      });
    }
  }
  return out;
}

/** A row dispatched this many times without its job ever completing has failed for good. */
export const MAX_DISPATCHES = 10;

/**
 * Moves outbox rows to BullMQ in bulk. Polls every OUTBOX_POLL_MS, and at once again while
 * batches come back full, then with up to LANES rounds in flight. Survives PostgreSQL and Redis
 * restarts: a failed round is retried on the next tick, and rows claimed but not delivered are
 * released.
 */
@Injectable()
export class OutboxRelayService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(OutboxRelayService.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  /** Extra rounds draining a backlog beside the polling one. */
  private readonly lanes = new Set<Promise<void>>();
  private stopped = false;

  constructor(
    private readonly config: AppConfig,
    private readonly outbox: OutboxRepository,
    private readonly queue: JobQueue,
    private readonly worker: WorkerService,
  ) {}

  onApplicationBootstrap(): void {
    this.schedule(0);
  }

  /** One relay round; returns how many rows were moved. Public for tests and benchmarks. */
  async relayOnce(): Promise<number> {
    const claimed = await this.outbox.claim(BATCH, this.config.OUTBOX_REDISPATCH_MS);
    if (claimed.length === 0) return 0;
    // A job name this code does not know (written by a newer or older release) is parked, not retried for ever.
    const unknown = claimed.filter((m) => !(m.jobName in QUEUE_OF));
    for (const m of unknown) {
      await this.outbox.recordFailure({
        queue: '-',
        jobId: outboxJobId(m.id),
        jobName: m.jobName,
        payload: m.payload,
        attempts: 0,
        error: `unknown job name ${m.jobName}`,
      });
      await this.outbox.markFailed(m.id);
    }
    const candidates = claimed.filter((c) => c.jobName in QUEUE_OF);
    try {
      // Redispatched rows are checked against Redis side by side (a backlog can fill the batch).
      const checks = await Promise.all(candidates.map((m) => m.dispatchCount <= 1 || this.redispatchable(m)));
      const known = candidates.filter((_, i) => checks[i]);
      const jobs = envelopes(known);
      await this.queue.addBulk(jobs);
      // Only merged jobs are recorded: a row without job_id went into its own job, outbox-<id>.
      await this.outbox.recordJobIds(
        jobs.flatMap((j) =>
          outboxIdsOf(j.jobId, j.payload)
            .filter((id) => j.jobId !== outboxJobId(id))
            .map((id) => ({ id, jobId: j.jobId! })),
        ),
      );
    } catch (error) {
      await this.outbox.unclaim(candidates.map((m) => m.id)).catch(() => undefined);
      throw error;
    }
    return claimed.length;
  }

  /**
   * A row dispatched before and still not processed: its job id may still be known to Redis, and
   * BullMQ ignores an add whose id exists. Waiting or running: leave it. Completed: the handler
   * succeeded, only the mark was lost. Failed without our failure record (it stalled too often,
   * its worker dying under it), in no list (a remnant of lost keys), or unknown (Redis lost it):
   * forget what is left of it and dispatch it again, up to MAX_DISPATCHES.
   */
  private async redispatchable(m: ClaimedMessage): Promise<boolean> {
    const name = m.jobName as JobName;
    // The job it went into: a merged job still waiting behind a long queue must not be taken for lost.
    const jobId = m.jobId ?? outboxJobId(m.id);
    const job = await this.queue.getJob(name, jobId);
    const state = job ? await job.getState() : 'missing';
    if (state === 'completed') {
      await this.outbox.markProcessed(m.id);
      return false;
    }
    if (['waiting', 'active', 'delayed', 'prioritized', 'waiting-children'].includes(state)) return false;
    if (m.dispatchCount > MAX_DISPATCHES) {
      await this.worker.failedForGood({
        queue: QUEUE_OF[name],
        jobId,
        jobName: m.jobName,
        payload: m.payload,
        attempts: m.dispatchCount - 1,
        error: `dispatched ${m.dispatchCount - 1} times without completing (last state: ${state}); last error: ${job?.failedReason ?? 'none'}`,
      });
      return false;
    }
    if (job) await this.queue.discard(name, jobId);
    return true;
  }

  private schedule(delay: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.tick();
    }, delay);
  }

  private async tick(): Promise<void> {
    let moved = 0;
    try {
      moved = await this.relayOnce();
    } catch (error) {
      this.logger.warn(`outbox relay: ${(error as Error).message}`);
    }
    if (moved === BATCH) this.widen();
    this.schedule(moved === BATCH ? 0 : this.config.OUTBOX_POLL_MS);
  }

  /**
   * A full round means a backlog: add a lane (up to LANES rounds in all) that runs rounds until one
   * comes back short.
   */
  private widen(): void {
    if (this.stopped || this.lanes.size >= LANES - 1) return;
    const lane = (async () => {
      for (;;) {
        if (this.stopped) return;
        const moved = await this.relayOnce().catch((error: Error) => {
          this.logger.warn(`outbox relay: ${error.message}`);
          return 0;
        });
        if (moved < BATCH) return;
      }
    })().finally(() => this.lanes.delete(lane));
    this.lanes.add(lane);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await Promise.all([this.running, ...this.lanes]);
  }
}
