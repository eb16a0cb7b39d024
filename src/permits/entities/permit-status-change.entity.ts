import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { PermitAction, PermitState } from '../domain/permit-lifecycle';
import { Permit } from './permit.entity';

/** Append-only history of a permit's lifecycle (the database refuses UPDATE and DELETE). */
@Entity('permit_status_changes')
@Index('ix_permit_status_changes_permit_id', ['permitId', 'id'])
export class PermitStatusChange {
  @PrimaryGeneratedColumn('increment', { type: 'bigint' })
  id!: string;

  @Column({ type: 'uuid' })
  permitId!: string;

  @ManyToOne(() => Permit, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'permit_id', foreignKeyConstraintName: 'fk_permit_status_changes_permit' })
  permit?: Permit;

  @Column({ type: 'enum', enum: PermitAction, enumName: 'permit_action' })
  action!: PermitAction;

  /** The state before (EXPIRED when derived from the date); null for ISSUE. */
  @Column({ type: 'enum', enum: PermitState, enumName: 'permit_state', nullable: true })
  fromState!: PermitState | null;

  @Column({ type: 'enum', enum: PermitState, enumName: 'permit_state' })
  toState!: PermitState;

  @Column({ type: 'text' })
  reason!: string;

  @Column({ type: 'varchar', length: 80 })
  actor!: string;

  @Column({ type: 'timestamptz', precision: 3, default: () => 'now()' })
  occurredAt!: Date;
}
