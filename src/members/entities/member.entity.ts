import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Organisation } from '../../organisations/entities/organisation.entity';

export enum MemberRole {
  ADMIN = 'ADMIN',
  OPERATOR = 'OPERATOR',
  DRIVER = 'DRIVER',
  AUDITOR = 'AUDITOR',
}

export enum MemberStatus {
  ACTIVE = 'ACTIVE',
  DISABLED = 'DISABLED',
}

@Entity('members')
export class Member {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Index('ix_members_organisation_id')
  @Column({ type: 'uuid' })
  organisationId!: string;

  @ManyToOne(() => Organisation, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'organisation_id', foreignKeyConstraintName: 'fk_members_organisation' })
  organisation?: Organisation;

  @Column({ type: 'varchar', length: 200 })
  name!: string;

  @Column({ type: 'varchar', length: 320, nullable: true })
  email!: string | null;

  @Column({ type: 'enum', enum: MemberRole, enumName: 'member_role' })
  role!: MemberRole;

  @Column({ type: 'enum', enum: MemberStatus, enumName: 'member_status', default: MemberStatus.ACTIVE })
  status!: MemberStatus;

  @CreateDateColumn({ type: 'timestamptz', precision: 3 })
  createdAt!: Date;

  @Column({ type: 'varchar', length: 80 })
  createdBy!: string;
}
