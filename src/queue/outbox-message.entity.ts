import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * Transactional outbox: a job to run, written in the same transaction as the change that
 * calls for it. The relay moves rows to BullMQ; the worker marks them processed. A row is
 * dispatched again if it was never processed (Redis lost it, or the relay died mid-way).
 */
@Entity('outbox_messages')
@Index('ix_outbox_messages_pending', ['id'], { where: 'processed_at IS NULL AND failed_at IS NULL' })
/** Rows never dispatched: the relay claims these first, however many dispatched rows wait on workers. */
@Index('ix_outbox_messages_undispatched', ['id'], {
  where: 'dispatched_at IS NULL AND processed_at IS NULL AND failed_at IS NULL',
})
@Index('ix_outbox_messages_processed_at', ['processedAt'])
export class OutboxMessage {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id!: string;

  @Column({ type: 'varchar', length: 100 })
  jobName!: string;

  @Column({ type: 'jsonb' })
  payload!: unknown;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @Column({ type: 'timestamptz', nullable: true })
  dispatchedAt!: Date | null;

  @Column({ type: 'integer', default: 0 })
  dispatchCount!: number;

  /** The merged BullMQ job of the last dispatch, listing several rows; null: its own job, `outbox-<id>`. */
  @Column({ type: 'varchar', length: 120, nullable: true })
  jobId!: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  processedAt!: Date | null;

  /** Set when the job failed for good (see job_failures); such rows are not dispatched again. */
  @Column({ type: 'timestamptz', nullable: true })
  failedAt!: Date | null;
}
