import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Manifest } from './manifest.entity';

/** The outcome of checking one party's permit for one code at one step (kept for reconciliation). */
@Entity('manifest_permit_checks')
@Index('ix_manifest_permit_checks_manifest', ['manifestId', 'organisationId', 'step'])
export class ManifestPermitCheck {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' })
  id!: string;

  @Column({ type: 'uuid' })
  manifestId!: string;

  @ManyToOne(() => Manifest, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'manifest_id', foreignKeyConstraintName: 'fk_manifest_permit_checks_manifest' })
  manifest?: Manifest;

  @Column({ type: 'uuid' })
  organisationId!: string;

  /** CONSIGNEE or CARRIER. */
  @Column({ type: 'varchar', length: 10 })
  partyRole!: string;

  /** SUBMIT or RECEIVE. */
  @Column({ type: 'varchar', length: 10 })
  step!: string;

  @Column({ type: 'timestamptz', precision: 3 })
  checkedAt!: Date;

  @Column({ type: 'varchar', length: 16 })
  wasteCode!: string;

  /** OK, or the first refusal's rule (NOT_LICENSED, CODE_OUT_OF_SCOPE, PERMIT_SUSPENDED, …). */
  @Column({ type: 'varchar', length: 30 })
  outcome!: string;

  @Column({ type: 'uuid', nullable: true })
  permitId!: string | null;
}
