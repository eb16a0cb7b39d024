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
  /** Lots whose chain grew (written by the ledger in the append's transaction); reconcile them. */
  'reconciliation.lots-changed': { lotIds: string[] };
  /** A manifest changed state (written by every manifest step, in its transaction). */
  'reconciliation.manifests-changed': { manifestIds: string[] };
  /** Moves newly committed custody events into the global Merkle log and signs a checkpoint (scheduled). */
  'ledger.checkpoint': Record<string, never>;
}

export type JobName = keyof JobPayloads;

export const QUEUE_OF: { readonly [K in JobName]: QueueName } = {
  'maintenance.purge-expired': QueueName.MAINTENANCE,
  'reconciliation.lots-changed': QueueName.RECONCILIATION,
  'reconciliation.manifests-changed': QueueName.RECONCILIATION,
  'ledger.checkpoint': QueueName.LEDGER,
};

/** Retry and retention, explicit per queue. */
export const QUEUE_OPTIONS: {
  readonly [Q in QueueName]: {
    attempts: number;
    backoffMs: number;
    concurrency: number;
    keepCompleted: number;
    keepFailed: number;
  };
} = {
  [QueueName.MAINTENANCE]: { attempts: 5, backoffMs: 5_000, concurrency: 1, keepCompleted: 100, keepFailed: 1_000 },
  [QueueName.RECONCILIATION]: {
    attempts: 8,
    backoffMs: 2_000,
    concurrency: 4,
    keepCompleted: 1_000,
    keepFailed: 5_000,
  },
  // The checkpoint job runs every CHECKPOINT_INTERVAL_MS and is its own retry: a failed run is not
  // retried (the next tick does the same work), one at a time per worker (a PostgreSQL advisory
  // lock makes it one at a time across workers), little history kept for a job that runs every second.
  [QueueName.LEDGER]: { attempts: 1, backoffMs: 1_000, concurrency: 1, keepCompleted: 100, keepFailed: 1_000 },
};

export interface JobEnvelope<N extends JobName = JobName> {
  name: N;
  payload: JobPayloads[N];
  /** Deterministic id: the same work enqueued twice runs once while the first is pending. */
  jobId?: string;
}
