import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Member } from './member.entity';

/** A member's device signing key (Ed25519 public key) for signing manifest steps. */
@Entity('member_device_keys')
export class DeviceKey {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Index('ix_member_device_keys_member_id')
  @Column({ type: 'uuid' })
  memberId!: string;

  @ManyToOne(() => Member, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'member_id', foreignKeyConstraintName: 'fk_member_device_keys_member' })
  member?: Member;

  @Column({ type: 'varchar', length: 200 })
  label!: string;

  /** Raw 32-byte Ed25519 public key, base64url (a JWK `x`). */
  @Index('uq_member_device_keys_public_key', { unique: true })
  @Column({ type: 'varchar', length: 43 })
  publicKey!: string;

  @Column({ type: 'timestamptz', nullable: true })
  revokedAt!: Date | null;

  @CreateDateColumn({ type: 'timestamptz', precision: 3 })
  createdAt!: Date;

  @Column({ type: 'varchar', length: 80 })
  createdBy!: string;
}
