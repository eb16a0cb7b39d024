import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Permit history and credit grades are kept forever: the database itself refuses UPDATE,
 * DELETE and TRUNCATE on them, and refuses deleting a permit.
 */
export class PermitHistoryAppendOnly1795866000200 implements MigrationInterface {
  name = 'PermitHistoryAppendOnly1795866000200';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION permits_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION '% on % is not allowed: its rows are kept forever', TG_OP, TG_TABLE_NAME
          USING ERRCODE = 'integrity_constraint_violation';
      END
      $$`);
    for (const table of ['permit_status_changes', 'credit_grades']) {
      await q.query(`
        CREATE TRIGGER ${table}_append_only BEFORE UPDATE OR DELETE ON ${table}
          FOR EACH ROW EXECUTE FUNCTION permits_refuse_change()`);
      await q.query(`
        CREATE TRIGGER ${table}_no_truncate BEFORE TRUNCATE ON ${table}
          FOR EACH STATEMENT EXECUTE FUNCTION permits_refuse_change()`);
    }
    await q.query(`
      CREATE TRIGGER permits_never_deleted BEFORE DELETE ON permits
        FOR EACH ROW EXECUTE FUNCTION permits_refuse_change()`);
    await q.query(`
      CREATE TRIGGER permits_no_truncate BEFORE TRUNCATE ON permits
        FOR EACH STATEMENT EXECUTE FUNCTION permits_refuse_change()`);
  }

  public async down(q: QueryRunner): Promise<void> {
    for (const table of ['permit_status_changes', 'credit_grades']) {
      await q.query(`DROP TRIGGER ${table}_append_only ON ${table}`);
      await q.query(`DROP TRIGGER ${table}_no_truncate ON ${table}`);
    }
    await q.query(`DROP TRIGGER permits_never_deleted ON permits`);
    await q.query(`DROP TRIGGER permits_no_truncate ON permits`);
    await q.query(`DROP FUNCTION permits_refuse_change()`);
  }
}
