import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { OperationMode } from '../../catalogue/domain/operation';
import { Organisation } from '../../organisations/entities/organisation.entity';
import { PermitStatus } from '../domain/permit-lifecycle';
import { PermitKind } from '../domain/permit-rules';

/** A licence or permit held by an organisation. Never deleted; its status changes are in permit_status_changes. */
@Entity('permits')
@Index('ix_permits_created_at_id', ['createdAt', 'id'])
export class Permit {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Index('ix_permits_organisation_id')
  @Column({ type: 'uuid' })
  organisationId!: string;

  @ManyToOne(() => Organisation, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'organisation_id', foreignKeyConstraintName: 'fk_permits_organisation' })
  organisation?: Organisation;

  @Column({ type: 'enum', enum: PermitKind, enumName: 'permit_kind' })
  kind!: PermitKind;

  /** The licence number as printed (e.g. 鲁危证XX号). */
  @Index('ix_permits_number')
  @Column({ type: 'varchar', length: 100 })
  number!: string;

  @Column({ type: 'enum', enum: OperationMode, enumName: 'operation_mode', array: true })
  operationModes!: OperationMode[];

  /** Individual codes in scope (NNN-NNN-NN). */
  @Column({ type: 'varchar', length: 16, array: true })
  wasteCodes!: string[];

  /** Whole categories in scope (HWnn). */
  @Column({ type: 'varchar', length: 8, array: true })
  wasteCategories!: string[];

  /** 年经营规模 in grams (bigint: returned by the driver as a string). */
  @Column({ type: 'bigint', nullable: true })
  annualCapacityGrams!: string | null;

  @Column({ type: 'varchar', length: 500, nullable: true })
  facilityAddress!: string | null;

  /** Inclusive. */
  @Column({ type: 'date' })
  validFrom!: string;

  /** Inclusive. */
  @Column({ type: 'date' })
  validTo!: string;

  /** The issuing authority as printed. */
  @Column({ type: 'varchar', length: 200 })
  issuer!: string;

  /** Transport permits: the vehicles are dedicated medical-waste vehicles (医疗废物管理条例 Art 26). */
  @Column({ type: 'boolean', default: false })
  dedicatedMedicalWaste!: boolean;

  /** Collection licences: a small-enterprise collection pilot licence whose scope is not limited by Art 3. */
  @Column({ type: 'boolean', default: false })
  collectionPilot!: boolean;

  @Column({ type: 'enum', enum: PermitStatus, enumName: 'permit_status', default: PermitStatus.ACTIVE })
  status!: PermitStatus;

  @Column({ type: 'timestamptz', precision: 3 })
  statusChangedAt!: Date;

  @CreateDateColumn({ type: 'timestamptz', precision: 3 })
  createdAt!: Date;

  @Column({ type: 'varchar', length: 80 })
  createdBy!: string;
}
