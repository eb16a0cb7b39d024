import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Manifests in the ledger: the consignee's inspection at reception is a custody event of its own
 * (INSPECTED); a manifest's signed steps are append-only and manifests are never deleted.
 */
export class ManifestLedgerRules1795867867400 implements MigrationInterface {
  name = 'ManifestLedgerRules1795867867400';
  transaction = false as const;

  public async up(q: QueryRunner): Promise<void> {
    // ADD VALUE cannot be used in the transaction that adds it, so it runs on its own.
    await q.query(`ALTER TYPE custody_event_type ADD VALUE IF NOT EXISTS 'INSPECTED'`);
    await q.query(`CREATE FUNCTION manifests_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION '% on % is not allowed: manifest steps are append-only and manifests are never deleted', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege'; END $$`);
    await q.query(`CREATE TRIGGER manifest_steps_append_only BEFORE UPDATE OR DELETE ON manifest_steps FOR EACH ROW EXECUTE FUNCTION manifests_refuse_change()`);
    await q.query(`CREATE TRIGGER manifest_steps_no_truncate BEFORE TRUNCATE ON manifest_steps FOR EACH STATEMENT EXECUTE FUNCTION manifests_refuse_change()`);
    await q.query(`CREATE TRIGGER manifests_no_delete BEFORE DELETE ON manifests FOR EACH ROW EXECUTE FUNCTION manifests_refuse_change()`);
    await q.query(`CREATE TRIGGER manifest_lines_no_delete BEFORE DELETE ON manifest_lines FOR EACH ROW EXECUTE FUNCTION manifests_refuse_change()`);
    await q.query(`CREATE TRIGGER manifests_no_truncate BEFORE TRUNCATE ON manifests FOR EACH STATEMENT EXECUTE FUNCTION manifests_refuse_change()`);
  }

  public async down(q: QueryRunner): Promise<void> {
    for (const [trigger, table] of [
      ['manifests_no_truncate', 'manifests'],
      ['manifest_lines_no_delete', 'manifest_lines'],
      ['manifests_no_delete', 'manifests'],
      ['manifest_steps_no_truncate', 'manifest_steps'],
      ['manifest_steps_append_only', 'manifest_steps'],
    ]) {
      await q.query(`DROP TRIGGER ${trigger} ON ${table}`);
    }
    await q.query(`DROP FUNCTION manifests_refuse_change()`);
    // An enum value cannot be dropped; INSPECTED stays (harmless without events using it).
  }
}
