import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** A job that exhausted its retries: kept in Postgres so that nothing fails silently. */
@Entity('job_failures')
@Index('ix_job_failures_failed_at', ['failedAt'])
export class JobFailure {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id!: string;

  @Column({ type: 'varchar', length: 100 })
  queue!: string;

  @Column({ type: 'varchar', length: 200 })
  jobId!: string;

  @Column({ type: 'varchar', length: 100 })
  jobName!: string;

  @Column({ type: 'jsonb' })
  payload!: unknown;

  @Column({ type: 'integer' })
  attempts!: number;

  @Column({ type: 'text' })
  error!: string;

  @CreateDateColumn({ type: 'timestamptz' })
  failedAt!: Date;
}
