import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export enum FlagStatus {
  OPEN = 'OPEN',
  ACKNOWLEDGED = 'ACKNOWLEDGED',
  RESOLVED = 'RESOLVED',
}

/**
 * A detected gap or anomaly. Never deleted. At most one OPEN/ACKNOWLEDGED flag per dedupe key
 * (partial unique index); a key resolved by a regulator stays resolved while the condition
 * persists, a key resolved automatically (condition cleared) may open a new flag if it returns.
 */
@Entity('flags')
@Index('uq_flags_active_dedupe_key', ['dedupeKey'], { unique: true, where: `status IN ('OPEN', 'ACKNOWLEDGED')` })
@Index('ix_flags_dedupe_key', ['dedupeKey'])
@Index('ix_flags_subject', ['subjectType', 'subjectId'])
@Index('ix_flags_detected_at', ['detectedAt', 'id'])
/** GIN (hand-written in the migration): `= ANY(organisation_ids)` filters. */
@Index('ix_flags_organisation_ids_gin', { synchronize: false })
@Index('ix_flags_rule_status', ['ruleId', 'status'])
export class Flag {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'varchar', length: 40 })
  ruleId!: string;

  @Column({ type: 'varchar', length: 10 })
  severity!: string;

  /** BLOCK / FLAG / REPORT, from the profile in force. */
  @Column({ type: 'varchar', length: 10 })
  action!: string;

  @Column({ type: 'enum', enum: FlagStatus, enumName: 'flag_status', default: FlagStatus.OPEN })
  status!: FlagStatus;

  @Column({ type: 'varchar', length: 500 })
  dedupeKey!: string;

  @Column({ type: 'varchar', length: 20 })
  subjectType!: string;

  @Column({ type: 'varchar', length: 120 })
  subjectId!: string;

  @Column({ type: 'uuid', array: true })
  organisationIds!: string[];

  /** Region codes of the organisations involved (regulator jurisdiction filter). */
  @Column({ type: 'text', array: true })
  regionCodes!: string[];

  @Column({ type: 'text' })
  message!: string;

  @Column({ type: 'jsonb' })
  evidence!: unknown;

  @Column({ type: 'varchar', length: 60 })
  profileId!: string;

  @CreateDateColumn({ type: 'timestamptz', precision: 3 })
  detectedAt!: Date;

  @Column({ type: 'timestamptz' })
  lastSeenAt!: Date;

  @Column({ type: 'timestamptz', nullable: true })
  acknowledgedAt!: Date | null;

  @Column({ type: 'varchar', length: 80, nullable: true })
  acknowledgedBy!: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  resolvedAt!: Date | null;

  @Column({ type: 'varchar', length: 80, nullable: true })
  resolvedBy!: string | null;

  /** MANUAL (a regulator) or AUTO (the condition cleared). */
  @Column({ type: 'varchar', length: 10, nullable: true })
  resolution!: string | null;
}
