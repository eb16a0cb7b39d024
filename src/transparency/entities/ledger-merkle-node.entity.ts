import { Check, Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * Aligned nodes of the Merkle tree: the perfect subtree at `level` h and `index` k covers leaves
 * [k·2^h, (k+1)·2^h); level 0 holds the leaf hashes. A node is written once, when complete, and
 * never changes (insert-only). Proofs are answered from these rows (docs/ledger-merkle.md §7).
 */
@Entity('ledger_merkle_nodes')
@Check('ck_ledger_merkle_nodes_level', `"level" >= 0 AND "level" <= 62`)
@Check('ck_ledger_merkle_nodes_index', `"index" >= 0`)
@Check('ck_ledger_merkle_nodes_hash', `octet_length("hash") = 32`)
export class LedgerMerkleNode {
  @PrimaryColumn({ type: 'smallint', primaryKeyConstraintName: 'pk_ledger_merkle_nodes' })
  level!: number;

  @PrimaryColumn({ type: 'bigint', primaryKeyConstraintName: 'pk_ledger_merkle_nodes' })
  index!: string;

  @Column({ type: 'bytea' })
  hash!: Buffer;
}
