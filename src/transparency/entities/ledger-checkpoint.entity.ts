import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { LedgerSigningKey } from './ledger-signing-key.entity';

/**
 * Signed checkpoints: "the first tree_size leaves have root root_hash", signed with Ed25519 over
 * the text body of docs/ledger-merkle.md §3. One per tree size, never changed (insert-only).
 * `frontier` is the compact range of the tree at this size, so that the next run appends
 * without rereading leaves.
 */
@Entity('ledger_checkpoints')
@Check('ck_ledger_checkpoints_tree_size', `"tree_size" >= 1`)
@Check('ck_ledger_checkpoints_root_hash', `octet_length("root_hash") = 32`)
@Check('ck_ledger_checkpoints_signature', `octet_length("signature") = 64`)
export class LedgerCheckpoint {
  @PrimaryColumn({ type: 'bigint', primaryKeyConstraintName: 'pk_ledger_checkpoints' })
  treeSize!: string;

  @Column({ type: 'bytea' })
  rootHash!: Buffer;

  /** Signed: exactly this instant with milliseconds. */
  @Column({ type: 'timestamptz', precision: 3 })
  issuedAt!: Date;

  @Index('ix_ledger_checkpoints_key_id')
  @Column({ type: 'char', length: 16 })
  keyId!: string;

  @ManyToOne(() => LedgerSigningKey, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'key_id', foreignKeyConstraintName: 'fk_ledger_checkpoints_key' })
  key?: LedgerSigningKey;

  /** The 64-byte Ed25519 signature. */
  @Column({ type: 'bytea' })
  signature!: Buffer;

  /** MerkleFrontierJson: { size, hashes } (hex). */
  @Column({ type: 'jsonb' })
  frontier!: unknown;
}
