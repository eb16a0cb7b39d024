import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Member } from '../../members/entities/member.entity';
import { Organisation } from '../../organisations/entities/organisation.entity';

export enum KeyUnitAction {
  /** A regulator puts the unit on its key supervised units list (HJ 1259 §4.2.2: the city EEB may adjust tiers). */
  ADD = 'ADD',
  /** A regulator withdraws its earlier addition. */
  REMOVE = 'REMOVE',
}

/**
 * A manual change to the key supervised units list (重点监管单位清单), with its reason. Append-only
 * (the database refuses UPDATE, DELETE and TRUNCATE): the latest record of a unit says whether it
 * is listed manually, and the history stays.
 */
@Entity('key_unit_designations')
@Index('ix_key_unit_designations_organisation_id', ['organisationId', 'id'])
@Index('ix_key_unit_designations_regulator_organisation_id', ['regulatorOrganisationId'])
@Index('ix_key_unit_designations_member_id', ['memberId'])
export class KeyUnitDesignation {
  @PrimaryGeneratedColumn('increment', { type: 'bigint' })
  id!: string;

  @Column({ type: 'uuid' })
  organisationId!: string;

  @ManyToOne(() => Organisation, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'organisation_id', foreignKeyConstraintName: 'fk_key_unit_designations_organisation' })
  organisation?: Organisation;

  @Column({ type: 'enum', enum: KeyUnitAction, enumName: 'key_unit_action' })
  action!: KeyUnitAction;

  @Column({ type: 'text' })
  reason!: string;

  /** The regulator that made the change. */
  @Column({ type: 'uuid' })
  regulatorOrganisationId!: string;

  @ManyToOne(() => Organisation, { onDelete: 'RESTRICT' })
  @JoinColumn({
    name: 'regulator_organisation_id',
    foreignKeyConstraintName: 'fk_key_unit_designations_regulator_organisation',
  })
  regulatorOrganisation?: Organisation;

  @Column({ type: 'uuid' })
  memberId!: string;

  @ManyToOne(() => Member, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'member_id', foreignKeyConstraintName: 'fk_key_unit_designations_member' })
  member?: Member;

  @Column({ type: 'varchar', length: 80 })
  actor!: string;

  @Column({ type: 'timestamptz', precision: 3, default: () => 'now()' })
  recordedAt!: Date;
}
