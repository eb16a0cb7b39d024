import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

/** One row per (caller, Idempotency-Key): the request's fingerprint and the response given. */
@Entity('idempotency_keys')
@Index('ix_idempotency_keys_created_at', ['createdAt'])
export class IdempotencyKey {
  /** The acting principal (member or platform credential) the key belongs to. */
  @PrimaryColumn({ type: 'varchar', length: 80 })
  scope!: string;

  @PrimaryColumn({ type: 'varchar', length: 255 })
  key!: string;

  /** SHA-256 over method, path and canonical JSON body. */
  @Column({ type: 'char', length: 64 })
  requestHash!: string;

  /** Null while the first request is still being processed. */
  @Column({ type: 'smallint', nullable: true })
  responseStatus!: number | null;

  @Column({ type: 'jsonb', nullable: true })
  responseBody!: unknown;

  /** A pending key whose lock has lapsed (its process died) may be taken over by a retry. */
  @Column({ type: 'timestamptz' })
  lockedUntil!: Date;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;
}
