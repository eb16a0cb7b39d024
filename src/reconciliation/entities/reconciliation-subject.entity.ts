import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * One row per subject the reconciliation has evaluated (a lot, a manifest, an organisation, a
 * facility month). Evaluations of a subject lock its row (`INSERT … ON CONFLICT DO UPDATE`, in key
 * order) for their transaction, so that loading the facts and storing the flags of one subject
 * never interleave with another evaluation of it — row locks, not advisory locks, so that batches
 * of hundreds of subjects do not fill the server's lock table. `due_at` is when its time-based
 * findings may next change: the sweep re-evaluates subjects that are due.
 */
@Entity('reconciliation_subjects')
@Index('ix_reconciliation_subjects_due_at', ['dueAt'], { where: 'due_at IS NOT NULL' })
export class ReconciliationSubject {
  @PrimaryColumn({ type: 'varchar', length: 20 })
  subjectType!: string;

  @PrimaryColumn({ type: 'varchar', length: 120 })
  subjectId!: string;

  /** Null: taken by a sweep, never evaluated yet. */
  @Column({ type: 'timestamptz', precision: 3, nullable: true })
  evaluatedAt!: Date | null;

  @Column({ type: 'timestamptz', precision: 3, nullable: true })
  dueAt!: Date | null;

  /** The profile the last evaluation used. */
  @Column({ type: 'varchar', length: 60, nullable: true })
  profileId!: string | null;
}
