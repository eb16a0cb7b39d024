import type { MigrationInterface, QueryRunner } from 'typeorm';

const INSERT_ONLY = ['ledger_log_entries', 'ledger_merkle_nodes', 'ledger_checkpoints', 'ledger_signing_keys'];

/**
 * The global log's database rules (hand-written; see docs/ledger-merkle.md §8):
 *
 * - An AFTER INSERT row trigger on custody_events (cloned by PostgreSQL onto every partition,
 *   present and future) queues each event in `ledger_log_pending` in the event's own transaction:
 *   a pending row exists exactly when its event is committed, whatever the commit order.
 * - The log tables are insert-only; the pending queue accepts INSERT and DELETE only (the
 *   checkpoint job deletes what it logs, in the same transaction); regulator_reads is
 *   insert-only. UPDATE/DELETE/TRUNCATE are refused by triggers and revoked from PUBLIC.
 * - Events recorded before this migration are queued, so that every event enters the log.
 *   The trigger is created first: its lock on custody_events holds back appends until this
 *   migration commits, so none is missed and none is queued twice.
 */
export class TransparencyLogTriggers1795869000100 implements MigrationInterface {
  name = 'TransparencyLogTriggers1795869000100';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION append_only_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION '%: % is refused: the table is append-only', TG_TABLE_NAME, TG_OP
          USING ERRCODE = 'restrict_violation',
                HINT = 'Rows of the global log, its checkpoints and keys, and the regulator read log never change.';
      END $$`);

    await q.query(`
      CREATE FUNCTION ledger_log_enqueue() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO ledger_log_pending (global_seq, lot_id, seq, event_hash)
        VALUES (NEW.global_seq, NEW.lot_id, NEW.seq, NEW.hash);
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER tg_custody_events_log_enqueue AFTER INSERT ON custody_events
        FOR EACH ROW EXECUTE FUNCTION ledger_log_enqueue()`);
    await q.query(`
      INSERT INTO ledger_log_pending (global_seq, lot_id, seq, event_hash)
      SELECT global_seq, lot_id, seq, hash FROM custody_events
      ON CONFLICT (global_seq) DO NOTHING`);

    for (const table of [...INSERT_ONLY, 'regulator_reads']) {
      await q.query(`
        CREATE TRIGGER tg_${table}_append_only BEFORE UPDATE OR DELETE ON ${table}
          FOR EACH ROW EXECUTE FUNCTION append_only_refuse_change()`);
      await q.query(`
        CREATE TRIGGER tg_${table}_no_truncate BEFORE TRUNCATE ON ${table}
          FOR EACH STATEMENT EXECUTE FUNCTION append_only_refuse_change()`);
      await q.query(`REVOKE UPDATE, DELETE, TRUNCATE ON ${table} FROM PUBLIC`);
    }
    await q.query(`
      CREATE TRIGGER tg_ledger_log_pending_no_update BEFORE UPDATE ON ledger_log_pending
        FOR EACH ROW EXECUTE FUNCTION append_only_refuse_change()`);
    await q.query(`
      CREATE TRIGGER tg_ledger_log_pending_no_truncate BEFORE TRUNCATE ON ledger_log_pending
        FOR EACH STATEMENT EXECUTE FUNCTION append_only_refuse_change()`);
    await q.query(`REVOKE UPDATE, TRUNCATE ON ledger_log_pending FROM PUBLIC`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER tg_ledger_log_pending_no_truncate ON ledger_log_pending`);
    await q.query(`DROP TRIGGER tg_ledger_log_pending_no_update ON ledger_log_pending`);
    for (const table of [...INSERT_ONLY, 'regulator_reads']) {
      await q.query(`DROP TRIGGER tg_${table}_no_truncate ON ${table}`);
      await q.query(`DROP TRIGGER tg_${table}_append_only ON ${table}`);
    }
    await q.query(`DROP TRIGGER tg_custody_events_log_enqueue ON custody_events`);
    await q.query(`DROP FUNCTION ledger_log_enqueue()`);
    await q.query(`DROP FUNCTION append_only_refuse_change()`);
  }
}
