/**
 * Persisted contracts between producers and the worker: queue names, job names and their
 * payloads. Jobs already in Redis or in the outbox outlive a deploy, so names are never
 * renamed in place and payloads only gain optional fields. Queue names carry Redis Cluster
 * hash tags so that each queue's keys live in one slot.
 */
export enum QueueName {
  MAINTENANCE = '{maintenance}',
  RECONCILIATION = '{reconciliation}',
}

/** Every job, by name, with its payload (ids, never entities). */
export interface JobPayloads {
  /** Deletes idempotency keys and processed outbox rows past their retention. */
  'maintenance.purge-expired': { idempotencyRetentionHours: number; outboxRetentionHours: number };
  /** Lots whose chain grew (written by the ledger in the append's transaction); reconcile them. */
  'reconciliation.lots-changed': { lotIds: string[] };
  /** A manifest changed state (written by every manifest step, in its transaction). */
  'reconciliation.manifests-changed': { manifestIds: string[] };
}

export type JobName = keyof JobPayloads;

export const QUEUE_OF: { readonly [K in JobName]: QueueName } = {
  'maintenance.purge-expired': QueueName.MAINTENANCE,
  'reconciliation.lots-changed': QueueName.RECONCILIATION,
  'reconciliation.manifests-changed': QueueName.RECONCILIATION,
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
};

export interface JobEnvelope<N extends JobName = JobName> {
  name: N;
  payload: JobPayloads[N];
  /** Deterministic id: the same work enqueued twice runs once while the first is pending. */
  jobId?: string;
}
