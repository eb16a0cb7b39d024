import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Member } from '../../members/entities/member.entity';
import { Organisation } from '../../organisations/entities/organisation.entity';

/**
 * One read a regulator made of other organisations' data: who (organisation, member, credential),
 * what (resource type and ids, the route and the exact path with its query), when. Written before
 * the response leaves; append-only (triggers refuse UPDATE, DELETE and TRUNCATE).
 */
@Entity('regulator_reads')
@Index('ix_regulator_reads_created_at_id', ['createdAt', 'id'])
@Index('ix_regulator_reads_regulator_organisation', ['regulatorOrganisationId', 'createdAt', 'id'])
export class RegulatorRead {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'pk_regulator_reads' })
  id!: string;

  @CreateDateColumn({ type: 'timestamptz', precision: 3 })
  createdAt!: Date;

  /** Indexed by ix_regulator_reads_regulator_organisation (leading column). */
  @Column({ type: 'uuid' })
  regulatorOrganisationId!: string;

  @ManyToOne(() => Organisation, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'regulator_organisation_id', foreignKeyConstraintName: 'fk_regulator_reads_organisation' })
  regulatorOrganisation?: Organisation;

  @Index('ix_regulator_reads_member_id')
  @Column({ type: 'uuid' })
  memberId!: string;

  @ManyToOne(() => Member, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'member_id', foreignKeyConstraintName: 'fk_regulator_reads_member' })
  member?: Member;

  /** The credential's actor text (`member:<id>`), as recorded on writes. */
  @Column({ type: 'varchar', length: 80 })
  actor!: string;

  /** What kind of record was read: `lot`, later `manifest`, `organisation`, … */
  @Column({ type: 'varchar', length: 40 })
  resourceType!: string;

  /** The ids read: the one record, or every record a list page returned (possibly none). */
  @Column({ type: 'varchar', length: 64, array: true })
  resourceIds!: string[];

  /** Method and route template, e.g. `GET /v1/lots/:id/events`. */
  @Column({ type: 'varchar', length: 200 })
  route!: string;

  /** The path as requested, with its query string (filters, cursor). */
  @Column({ type: 'varchar', length: 2000 })
  path!: string;

  /** Correlation id of the request (X-Request-Id). */
  @Column({ type: 'varchar', length: 128, nullable: true })
  requestId!: string | null;
}
