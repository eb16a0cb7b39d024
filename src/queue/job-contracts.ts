/**
 * Persisted contracts between producers and the worker: queue names, job names and their
 * payloads. Jobs already in Redis or in the outbox outlive a deploy, so names are never
 * renamed in place and payloads only gain optional fields. Queue names carry Redis Cluster
 * hash tags so that each queue's keys live in one slot.
 */
export enum QueueName {
  MAINTENANCE = '{maintenance}',
  RECONCILIATION = '{reconciliation}',
  LEDGER = '{ledger}',
}

/** Every job, by name, with its payload (ids, never entities). */
export interface JobPayloads {
  /** Deletes idempotency keys and processed outbox rows past their retention. */
  'maintenance.purge-expired': { idempotencyRetentionHours: number; outboxRetentionHours: number };
  /**
   * Lots whose chain grew (written by the ledger in the append's transaction): reconcile them, the
   * medical institutions that generated them and the facility months their events touch.
   */
  'reconciliation.lots-changed': { lotIds: string[] };
  /** Manifests whose state changed (written by the manifests feature in its transaction): reconcile them. */
  'reconciliation.manifests-changed': { manifestIds: string[] };
  /**
   * Scheduled (RECONCILIATION_SWEEP_MS): selects the subjects whose time-based findings may have
   * changed (due) and lots never evaluated, and writes `run-batch` jobs for them to the outbox.
   */
  'reconciliation.sweep': Record<string, never>;
  /** Plans a full run: selects its subjects and writes its batches to the outbox, in one transaction. */
  'reconciliation.run-plan': { runId: string };
  /**
   * Reconciles a batch of subjects (hundreds) in one transaction. `runId` null: a sweep's batch.
   * `expand`: also reconcile the institutions and facility months related to the lots.
   */
  'reconciliation.run-batch': {
    runId: string | null;
    batchNo: number;
    lotIds: string[];
    organisationIds: string[];
    facilityPeriods?: string[];
    manifestIds?: string[];
    expand?: boolean;
  };
  /** Moves newly committed custody events into the global Merkle log and signs a checkpoint (scheduled). */
  'ledger.checkpoint': Record<string, never>;
}

export type JobName = keyof JobPayloads;

export const QUEUE_OF: { readonly [K in JobName]: QueueName } = {
  'maintenance.purge-expired': QueueName.MAINTENANCE,
  'reconciliation.lots-changed': QueueName.RECONCILIATION,
  'reconciliation.manifests-changed': QueueName.RECONCILIATION,
  'ledger.checkpoint': QueueName.LEDGER,
  'reconciliation.sweep': QueueName.RECONCILIATION,
  'reconciliation.run-plan': QueueName.RECONCILIATION,
  'reconciliation.run-batch': QueueName.RECONCILIATION,
};

/** Retry and retention, explicit per queue. */
export const QUEUE_OPTIONS: {
  readonly [Q in QueueName]: {
    attempts: number;
    backoffMs: number;
    concurrency: number;
    keepCompleted: number;
    keepFailed: number;
    /** Times a job may be found stalled (its worker died) before BullMQ fails it; the outbox then redispatches it. */
    maxStalledCount: number;
  };
} = {
  [QueueName.MAINTENANCE]: {
    attempts: 5,
    backoffMs: 5_000,
    concurrency: 1,
    keepCompleted: 100,
    keepFailed: 1_000,
    maxStalledCount: 1,
  },
  [QueueName.RECONCILIATION]: {
    attempts: 8,
    backoffMs: 2_000,
    concurrency: 4,
    keepCompleted: 1_000,
    keepFailed: 5_000,
    maxStalledCount: 3,
  },
  // The checkpoint job runs every CHECKPOINT_INTERVAL_MS and is its own retry: a failed run is not
  // retried (the next tick does the same work), one at a time per worker (a PostgreSQL advisory
  // lock makes it one at a time across workers), little history kept for a job that runs every second.
  [QueueName.LEDGER]: {
    attempts: 1,
    backoffMs: 1_000,
    concurrency: 1,
    keepCompleted: 100,
    keepFailed: 1_000,
    maxStalledCount: 1,
  },
};

const union = (lists: (readonly string[] | undefined)[]): string[] => [...new Set(lists.flatMap((l) => l ?? []))];

/**
 * Jobs whose pending rows the outbox relay may merge into one job (up to MERGE_MAX_ROWS rows):
 * many small changes become one batch, read and written set-based. The merge of payloads must
 * mean the same work as running each of them.
 */
export const MERGEABLE: { readonly [K in JobName]?: (payloads: JobPayloads[K][]) => JobPayloads[K] } = {
  'reconciliation.lots-changed': (ps) => ({ lotIds: union(ps.map((p) => p.lotIds)) }),
  'reconciliation.manifests-changed': (ps) => ({ manifestIds: union(ps.map((p) => p.manifestIds)) }),
};

export const MERGE_MAX_ROWS = 500;

/** Field of a merged job's data listing the outbox rows it stands for (all marked processed with it). */
export const OUTBOX_IDS_FIELD = '_outboxIds';

export interface JobEnvelope<N extends JobName = JobName> {
  name: N;
  payload: JobPayloads[N];
  /** Deterministic id: the same work enqueued twice runs once while the first is pending. */
  jobId?: string;
}
