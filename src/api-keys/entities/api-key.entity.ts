import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Member } from '../../members/entities/member.entity';
import { Organisation } from '../../organisations/entities/organisation.entity';

export enum ApiKeyScope {
  READ = 'read',
  WRITE = 'write',
}

@Entity('api_keys')
export class ApiKey {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  /** The non-secret part of the key, used to find the row; the secret is only stored hashed. */
  @Index('uq_api_keys_public_id', { unique: true })
  @Column({ type: 'varchar', length: 32 })
  publicId!: string;

  /** SHA-256 of the 256-bit random secret, hex. */
  @Column({ type: 'char', length: 64 })
  secretHash!: string;

  /** Null only for platform-administrator keys. */
  @Index('ix_api_keys_member_id')
  @Column({ type: 'uuid', nullable: true })
  memberId!: string | null;

  @ManyToOne(() => Member, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'member_id', foreignKeyConstraintName: 'fk_api_keys_member' })
  member?: Member;

  @Index('ix_api_keys_organisation_id')
  @Column({ type: 'uuid', nullable: true })
  organisationId!: string | null;

  @ManyToOne(() => Organisation, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'organisation_id', foreignKeyConstraintName: 'fk_api_keys_organisation' })
  organisation?: Organisation;

  @Column({ type: 'boolean', default: false })
  platformAdmin!: boolean;

  @Column({ type: 'varchar', length: 200 })
  name!: string;

  @Column({ type: 'enum', enum: ApiKeyScope, enumName: 'api_key_scope', array: true })
  scopes!: ApiKeyScope[];

  @Column({ type: 'timestamptz', nullable: true })
  expiresAt!: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  revokedAt!: Date | null;

  @Column({ type: 'varchar', length: 80, nullable: true })
  revokedBy!: string | null;

  @CreateDateColumn({ type: 'timestamptz', precision: 3 })
  createdAt!: Date;

  @Column({ type: 'varchar', length: 80 })
  createdBy!: string;
}
