import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Organisation } from '../../organisations/entities/organisation.entity';
import { MANIFEST_STATUSES, type ManifestStatus } from '../domain/manifest-state-machine';

export const TRANSPORT_MODES = ['ROAD', 'WATER', 'RAIL', 'AIR', 'POST', 'PIPELINE'] as const;
export type TransportMode = (typeof TRANSPORT_MODES)[number];

export const LINK_KINDS = ['RETURN', 'ONWARD'] as const;
export type LinkKind = (typeof LINK_KINDS)[number];

/** 危险废物转移联单: the document under which lots move from a consignor to a consignee. */
@Entity('manifests')
@Index('ix_manifests_created_at', ['createdAt', 'id'])
@Index('ix_manifests_status', ['status'])
export class Manifest {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  /** 14 digits: year, sending city (4), serial (6) — 《危险废物转移管理办法》 Art 15. */
  @Index('uq_manifests_number', { unique: true })
  @Column({ type: 'char', length: 14 })
  number!: string;

  @Column({ type: 'enum', enum: MANIFEST_STATUSES, enumName: 'manifest_status', default: 'DRAFT' })
  status!: ManifestStatus;

  @Index('ix_manifests_consignor_id')
  @Column({ type: 'uuid' })
  consignorId!: string;

  @ManyToOne(() => Organisation, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'consignor_id', foreignKeyConstraintName: 'fk_manifests_consignor' })
  consignor?: Organisation;

  @Index('ix_manifests_consignee_id')
  @Column({ type: 'uuid' })
  consigneeId!: string;

  @ManyToOne(() => Organisation, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'consignee_id', foreignKeyConstraintName: 'fk_manifests_consignee' })
  consignee?: Organisation;

  /** Region codes at filing time (regulator jurisdiction: sending or receiving place). */
  @Index('ix_manifests_consignor_region')
  @Column({ type: 'char', length: 6 })
  consignorRegion!: string;

  @Index('ix_manifests_consignee_region')
  @Column({ type: 'char', length: 6 })
  consigneeRegion!: string;

  @Column({ type: 'date' })
  plannedDate!: string;

  /** The operation the consignee will perform (licence mode or method code, e.g. DISPOSAL, D10, R9). */
  @Column({ type: 'varchar', length: 20 })
  plannedOperation!: string;

  @Column({ type: 'enum', enum: TRANSPORT_MODES, enumName: 'transport_mode', default: 'ROAD' })
  transportMode!: TransportMode;

  /** Approval for water transport of medical waste (条例 Art 15), or a cross-province approval. */
  @Column({ type: 'varchar', length: 120, nullable: true })
  approvalRef!: string | null;

  @Column({ type: 'text' })
  emergencyMeasures!: string;

  /** True when any line carries medical waste (HW01). */
  @Column({ type: 'boolean', default: false })
  medical!: boolean;

  /** Index (0-based) of the carrier holding the waste; null before pickup. */
  @Column({ type: 'smallint', nullable: true })
  currentCarrier!: number | null;

  /** A return or onward manifest names the manifest whose rejected lots it carries. */
  @Index('ix_manifests_linked_manifest_id')
  @Column({ type: 'uuid', nullable: true })
  linkedManifestId!: string | null;

  @ManyToOne(() => Manifest, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'linked_manifest_id', foreignKeyConstraintName: 'fk_manifests_linked_manifest' })
  linkedManifest?: Manifest;

  @Column({ type: 'enum', enum: LINK_KINDS, enumName: 'manifest_link_kind', nullable: true })
  linkKind!: LinkKind | null;

  @CreateDateColumn({ type: 'timestamptz', precision: 3 })
  createdAt!: Date;

  @Column({ type: 'varchar', length: 80 })
  createdBy!: string;

  @Column({ type: 'timestamptz', precision: 3 })
  updatedAt!: Date;
}
