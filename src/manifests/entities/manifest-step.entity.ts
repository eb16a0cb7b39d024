import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { Manifest } from './manifest.entity';

/** One signed step of a manifest (submit, pickup, relay, …): who, when, what. Append-only. */
@Entity('manifest_steps')
export class ManifestStep {
  @PrimaryColumn({ type: 'uuid' })
  manifestId!: string;

  @ManyToOne(() => Manifest, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'manifest_id', foreignKeyConstraintName: 'fk_manifest_steps_manifest' })
  manifest?: Manifest;

  @PrimaryColumn({ type: 'smallint' })
  seq!: number;

  @Column({ type: 'varchar', length: 12 })
  action!: string;

  @Column({ type: 'varchar', length: 40 })
  fromStatus!: string;

  @Column({ type: 'varchar', length: 40 })
  toStatus!: string;

  @Column({ type: 'uuid' })
  organisationId!: string;

  @Column({ type: 'uuid', nullable: true })
  memberId!: string | null;

  @Column({ type: 'varchar', length: 80 })
  actor!: string;

  @Column({ type: 'timestamptz', precision: 3 })
  occurredAt!: Date;

  @Column({ type: 'timestamptz', precision: 3 })
  recordedAt!: Date;

  /** The canonical step payload (what a device signs). */
  @Column({ type: 'jsonb' })
  payload!: Record<string, unknown>;

  /** SHA-256 of the RFC 8785 payload, hex: written into the lots' custody events. */
  @Column({ type: 'char', length: 64 })
  payloadHash!: string;

  @Column({ type: 'uuid', nullable: true })
  deviceKeyId!: string | null;

  /** Ed25519 signature (base64url) over the canonical payload, verified before the step was accepted. */
  @Column({ type: 'varchar', length: 86, nullable: true })
  signature!: string | null;
}
