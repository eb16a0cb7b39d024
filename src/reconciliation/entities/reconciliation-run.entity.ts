import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export enum ReconciliationRunStatus {
  QUEUED = 'QUEUED',
  RUNNING = 'RUNNING',
  COMPLETED = 'COMPLETED',
  FAILED = 'FAILED',
}

/**
 * A full reconciliation of a region and period, requested by a regulator or the platform
 * administrator. Planned by the `reconciliation.run-plan` job (subjects selected set-based, split
 * into batches written to the outbox in one transaction), processed by `reconciliation.run-batch`
 * jobs; progress is counted here, once per batch (see ReconciliationRunBatch).
 */
@Entity('reconciliation_runs')
@Index('ix_reconciliation_runs_created_at', ['createdAt', 'id'])
export class ReconciliationRun {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  /** Actor text of the principal that asked for it. */
  @Column({ type: 'varchar', length: 80 })
  requestedBy!: string;

  /** Region-code prefix of the parties covered; null: every region (platform administrator only). */
  @Column({ type: 'varchar', length: 6, nullable: true })
  regionPrefix!: string | null;

  /** First China calendar day covered (inclusive); null: from the beginning. */
  @Column({ type: 'date', nullable: true })
  periodFrom!: string | null;

  /** Last China calendar day covered (inclusive); null: up to now. */
  @Column({ type: 'date', nullable: true })
  periodTo!: string | null;

  @Column({
    type: 'enum',
    enum: ReconciliationRunStatus,
    enumName: 'reconciliation_run_status',
    default: ReconciliationRunStatus.QUEUED,
  })
  status!: ReconciliationRunStatus;

  /** Subjects selected (lots, organisations, facility months, manifests). */
  @Column({ type: 'integer', default: 0 })
  total!: number;

  @Column({ type: 'integer', default: 0 })
  processed!: number;

  @Column({ type: 'integer', default: 0 })
  batchesTotal!: number;

  @Column({ type: 'integer', default: 0 })
  batchesDone!: number;

  @Column({ type: 'integer', default: 0 })
  flagsRaised!: number;

  @Column({ type: 'integer', default: 0 })
  flagsResolved!: number;

  @CreateDateColumn({ type: 'timestamptz', precision: 3 })
  createdAt!: Date;

  @Column({ type: 'timestamptz', precision: 3, nullable: true })
  startedAt!: Date | null;

  @Column({ type: 'timestamptz', precision: 3, nullable: true })
  finishedAt!: Date | null;

  @Column({ type: 'text', nullable: true })
  error!: string | null;
}
