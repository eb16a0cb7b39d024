import { Check, Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * Custody events committed but not yet in the log. A trigger on custody_events inserts a row in
 * the event's own transaction (so a row exists exactly when the event is committed); the
 * checkpoint job deletes rows in the transaction that logs them. Small: it holds at most the
 * events of the last checkpoint interval.
 */
@Entity('ledger_log_pending')
@Check('ck_ledger_log_pending_event_hash', `octet_length("event_hash") = 32`)
export class LedgerLogPending {
  @PrimaryColumn({ type: 'bigint', primaryKeyConstraintName: 'pk_ledger_log_pending' })
  globalSeq!: string;

  @Column({ type: 'uuid' })
  lotId!: string;

  @Column({ type: 'integer' })
  seq!: number;

  @Column({ type: 'bytea' })
  eventHash!: Buffer;
}
