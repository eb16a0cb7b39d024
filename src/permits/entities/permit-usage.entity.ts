import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Permit } from './permit.entity';

/**
 * Quantities received or used against a permit (receptions, completions), summed per calendar
 * year (China time) for the capacity rule. Written by later features through
 * PermitUsageRepository.record in their own transaction; append-only.
 */
@Entity('permit_usage')
@Index('ix_permit_usage_permit_id_occurred_at', ['permitId', 'occurredAt'])
@Index('uq_permit_usage_permit_id_reference', ['permitId', 'reference'], { unique: true })
export class PermitUsage {
  @PrimaryGeneratedColumn('increment', { type: 'bigint' })
  id!: string;

  @Column({ type: 'uuid' })
  permitId!: string;

  @ManyToOne(() => Permit, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'permit_id', foreignKeyConstraintName: 'fk_permit_usage_permit' })
  permit?: Permit;

  @Column({ type: 'timestamptz', precision: 3 })
  occurredAt!: Date;

  @Column({ type: 'bigint' })
  quantityGrams!: string;

  /** What the quantity is (e.g. `manifest:<id>:line:<n>`); unique per permit so a retry cannot count twice. */
  @Column({ type: 'varchar', length: 200 })
  reference!: string;

  @Column({ type: 'timestamptz', precision: 3, default: () => 'now()' })
  recordedAt!: Date;
}
