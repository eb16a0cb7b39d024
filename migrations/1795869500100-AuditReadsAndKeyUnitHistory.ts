import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * - The key supervised units list keeps its history: the database refuses UPDATE, DELETE and
 *   TRUNCATE on `key_unit_designations` (a removal is a new record with its reason).
 * - Treatment and disposal events are read by time for statistics and the treated register:
 *   a small partial index on `custody_events (occurred_at)` for those two types (created on every
 *   partition, present and future).
 */
export class AuditReadsAndKeyUnitHistory1795869500100 implements MigrationInterface {
  name = 'AuditReadsAndKeyUnitHistory1795869500100';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION key_units_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'key supervised units list: % on % is refused: record a removal with its reason instead',
          TG_OP, TG_TABLE_NAME USING ERRCODE = 'restrict_violation';
      END $$`);
    await q.query(`
      CREATE TRIGGER tg_key_unit_designations_append_only BEFORE UPDATE OR DELETE ON key_unit_designations
        FOR EACH ROW EXECUTE FUNCTION key_units_refuse_change()`);
    await q.query(`
      CREATE TRIGGER tg_key_unit_designations_no_truncate BEFORE TRUNCATE ON key_unit_designations
        FOR EACH STATEMENT EXECUTE FUNCTION key_units_refuse_change()`);
    await q.query(`REVOKE UPDATE, DELETE, TRUNCATE ON key_unit_designations FROM PUBLIC`);
    await q.query(`
      CREATE INDEX ix_custody_events_treatment_occurred_at ON custody_events (occurred_at)
        WHERE type IN ('TREATED', 'DISPOSED')`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX ix_custody_events_treatment_occurred_at`);
    await q.query(`DROP TRIGGER tg_key_unit_designations_no_truncate ON key_unit_designations`);
    await q.query(`DROP TRIGGER tg_key_unit_designations_append_only ON key_unit_designations`);
    await q.query(`DROP FUNCTION key_units_refuse_change()`);
  }
}
