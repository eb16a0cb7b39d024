import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { Lot } from '../../lots/entities/lot.entity';

/**
 * One leaf of the global log: custody event (lot_id, seq) at position `log_index`. Indexes are
 * contiguous from 0 and assigned once, by the checkpoint job, in the transaction that signs the
 * checkpoint covering them. Insert-only (triggers refuse UPDATE, DELETE and TRUNCATE).
 */
@Entity('ledger_log_entries')
@Index('uq_ledger_log_entries_lot_seq', ['lotId', 'seq'], { unique: true })
@Check('ck_ledger_log_entries_log_index', `"log_index" >= 0`)
@Check('ck_ledger_log_entries_event_hash', `octet_length("event_hash") = 32`)
@Check('ck_ledger_log_entries_leaf_hash', `octet_length("leaf_hash") = 32`)
export class LedgerLogEntry {
  @PrimaryColumn({ type: 'bigint', primaryKeyConstraintName: 'pk_ledger_log_entries' })
  logIndex!: string;

  /** Indexed by uq_ledger_log_entries_lot_seq (leading column). */
  @Column({ type: 'uuid' })
  lotId!: string;

  @ManyToOne(() => Lot, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'lot_id', foreignKeyConstraintName: 'fk_ledger_log_entries_lot' })
  lot?: Lot;

  @Column({ type: 'integer' })
  seq!: number;

  /** The event's global_seq (custody_events), for tracing; the log order is log_index. */
  @Column({ type: 'bigint' })
  globalSeq!: string;

  /** The event's chain hash when it entered the log. */
  @Column({ type: 'bytea' })
  eventHash!: Buffer;

  /** SHA-256(0x00 || RFC 8785 leaf), docs/ledger-merkle.md §2. */
  @Column({ type: 'bytea' })
  leafHash!: Buffer;
}
