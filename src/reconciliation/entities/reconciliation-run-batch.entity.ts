import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { ReconciliationRun } from './reconciliation-run.entity';

/**
 * A batch of a run that has been processed: written in the batch's own transaction, so a replayed
 * batch (a job run twice) finds its row and counts nothing twice.
 */
@Entity('reconciliation_run_batches')
export class ReconciliationRunBatch {
  /** Leading column of the primary key: also the index of the foreign key. */
  @PrimaryColumn({ type: 'uuid' })
  runId!: string;

  @ManyToOne(() => ReconciliationRun, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'run_id', foreignKeyConstraintName: 'fk_reconciliation_run_batches_run' })
  run?: ReconciliationRun;

  @PrimaryColumn({ type: 'integer' })
  batchNo!: number;

  @Column({ type: 'integer' })
  subjects!: number;

  @Column({ type: 'integer' })
  flagsRaised!: number;

  @Column({ type: 'integer' })
  flagsResolved!: number;

  /** When the batch's transaction began. */
  @Column({ type: 'timestamptz', precision: 3, default: () => 'now()' })
  startedAt!: Date;

  /** When its transaction finished its work (commit follows). */
  @Column({ type: 'timestamptz', precision: 3 })
  doneAt!: Date;
}
