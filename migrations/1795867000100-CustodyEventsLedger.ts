import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The custody event ledger (hand-written: partitioned tables and triggers are not entities).
 *
 * - `custody_events` is range-partitioned by `chain_started_at`, the time the lot's chain began
 *   (= lots.created_at, copied by the append statement and enforced by a foreign key), one
 *   partition per UTC month. Every event of a lot therefore lives in one partition, and the
 *   primary key (lot_id, seq, chain_started_at) is, in effect, unique on (lot_id, seq).
 * - `global_seq` numbers every event across all lots (for the Merkle log).
 * - Triggers refuse UPDATE, DELETE and TRUNCATE (row triggers are cloned onto every partition;
 *   statement-level TRUNCATE triggers are not, so each partition gets its own), and those
 *   privileges are revoked from PUBLIC. `lot_lineage` is append-only too; lots are never
 *   deleted and their identity and chain start never change.
 * See docs/ledger.md.
 */
export class CustodyEventsLedger1795867000100 implements MigrationInterface {
  name = 'CustodyEventsLedger1795867000100';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TYPE custody_event_type AS ENUM (
        'GENERATED', 'STORED', 'RETRIEVED', 'PACKAGED', 'RELABELLED', 'TREATED', 'DISPOSED',
        'SPLIT', 'MERGED', 'SPLIT_FROM', 'MERGED_FROM', 'CORRECTED',
        'HANDED_OVER', 'RECEIVED', 'REJECTED', 'RETURNED')`);
    await q.query(`CREATE SEQUENCE custody_events_global_seq AS bigint`);
    await q.query(`
      CREATE TABLE custody_events (
        lot_id uuid NOT NULL,
        seq integer NOT NULL CONSTRAINT ck_custody_events_seq CHECK (seq >= 1),
        chain_started_at timestamptz(3) NOT NULL,
        global_seq bigint NOT NULL DEFAULT nextval('custody_events_global_seq'),
        format smallint NOT NULL,
        type custody_event_type NOT NULL,
        occurred_at timestamptz(3) NOT NULL,
        recorded_at timestamptz(3) NOT NULL,
        actor_organisation_id uuid NOT NULL,
        actor_member_id uuid,
        payload jsonb NOT NULL,
        prev_hash bytea NOT NULL CONSTRAINT ck_custody_events_prev_hash CHECK (octet_length(prev_hash) = 32),
        hash bytea NOT NULL CONSTRAINT ck_custody_events_hash CHECK (octet_length(hash) = 32),
        CONSTRAINT pk_custody_events PRIMARY KEY (lot_id, seq, chain_started_at),
        CONSTRAINT fk_custody_events_lot FOREIGN KEY (lot_id, chain_started_at) REFERENCES lots (id, created_at),
        CONSTRAINT fk_custody_events_actor_organisation FOREIGN KEY (actor_organisation_id) REFERENCES organisations (id),
        CONSTRAINT fk_custody_events_actor_member FOREIGN KEY (actor_member_id) REFERENCES members (id)
      ) PARTITION BY RANGE (chain_started_at)`);
    await q.query(`ALTER SEQUENCE custody_events_global_seq OWNED BY custody_events.global_seq`);
    await q.query(`CREATE INDEX ix_custody_events_global_seq ON custody_events (global_seq)`);
    await q.query(`CREATE INDEX ix_custody_events_actor_organisation_id ON custody_events (actor_organisation_id)`);
    await q.query(`CREATE INDEX ix_custody_events_actor_member_id ON custody_events (actor_member_id)`);

    await q.query(`
      CREATE FUNCTION ledger_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'custody ledger: % on % is refused: the ledger is append-only', TG_OP, TG_TABLE_NAME
          USING ERRCODE = 'restrict_violation',
                HINT = 'Fix a mistake with a CORRECTED event; nothing is edited or deleted.';
      END $$`);
    await q.query(`
      CREATE TRIGGER tg_custody_events_append_only BEFORE UPDATE OR DELETE ON custody_events
        FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change()`);
    await q.query(`
      CREATE TRIGGER tg_custody_events_no_truncate BEFORE TRUNCATE ON custody_events
        FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_change()`);
    await q.query(`REVOKE UPDATE, DELETE, TRUNCATE ON custody_events FROM PUBLIC`);

    // One partition per UTC month, created ahead; the default partition catches anything else.
    await q.query(`
      CREATE FUNCTION ledger_create_event_partition(p_month date) RETURNS text LANGUAGE plpgsql AS $$
      DECLARE
        v_from timestamptz := (date_trunc('month', p_month)::timestamp AT TIME ZONE 'UTC');
        v_name text := 'custody_events_p' || to_char(date_trunc('month', p_month), 'YYYYMM');
      BEGIN
        IF to_regclass(v_name) IS NOT NULL THEN
          RETURN NULL;
        END IF;
        EXECUTE format('CREATE TABLE %I PARTITION OF custody_events FOR VALUES FROM (%L) TO (%L)',
                       v_name, v_from, v_from + interval '1 month');
        EXECUTE format('CREATE TRIGGER tg_%s_no_truncate BEFORE TRUNCATE ON %I
                          FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_change()', v_name, v_name);
        EXECUTE format('REVOKE UPDATE, DELETE, TRUNCATE ON %I FROM PUBLIC', v_name);
        RETURN v_name;
      END $$`);
    await q.query(`
      CREATE FUNCTION ledger_ensure_event_partitions(p_months_ahead integer) RETURNS integer LANGUAGE plpgsql AS $$
      DECLARE
        v_created integer := 0;
        v_month date := date_trunc('month', now() AT TIME ZONE 'UTC')::date;
      BEGIN
        FOR i IN 0..p_months_ahead LOOP
          IF ledger_create_event_partition((v_month + make_interval(months => i))::date) IS NOT NULL THEN
            v_created := v_created + 1;
          END IF;
        END LOOP;
        RETURN v_created;
      END $$`);
    await q.query(`CREATE TABLE custody_events_default PARTITION OF custody_events DEFAULT`);
    await q.query(`
      CREATE TRIGGER tg_custody_events_default_no_truncate BEFORE TRUNCATE ON custody_events_default
        FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_change()`);
    await q.query(`REVOKE UPDATE, DELETE, TRUNCATE ON custody_events_default FROM PUBLIC`);
    await q.query(`SELECT ledger_ensure_event_partitions(24)`);

    // Lineage is part of the ledger.
    await q.query(`
      CREATE TRIGGER tg_lot_lineage_append_only BEFORE UPDATE OR DELETE ON lot_lineage
        FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change()`);
    await q.query(`
      CREATE TRIGGER tg_lot_lineage_no_truncate BEFORE TRUNCATE ON lot_lineage
        FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_change()`);
    await q.query(`REVOKE UPDATE, DELETE, TRUNCATE ON lot_lineage FROM PUBLIC`);

    // Lots move only forward: never deleted; identity, origin and chain start fixed; the head only advances.
    await q.query(`
      CREATE FUNCTION lots_guard_update() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.id <> OLD.id OR NEW.created_at <> OLD.created_at OR NEW.generated_at <> OLD.generated_at
           OR NEW.generator_organisation_id <> OLD.generator_organisation_id OR NEW.waste_code <> OLD.waste_code
           OR NEW.head_seq <= OLD.head_seq THEN
          RAISE EXCEPTION 'lots: a lot''s identity is fixed and its head only advances (lot %)', OLD.id
            USING ERRCODE = 'restrict_violation';
        END IF;
        RETURN NEW;
      END $$`);
    await q.query(`
      CREATE TRIGGER tg_lots_guard_update BEFORE UPDATE ON lots
        FOR EACH ROW EXECUTE FUNCTION lots_guard_update()`);
    await q.query(`
      CREATE TRIGGER tg_lots_no_delete BEFORE DELETE ON lots
        FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change()`);
    await q.query(`
      CREATE TRIGGER tg_lots_no_truncate BEFORE TRUNCATE ON lots
        FOR EACH STATEMENT EXECUTE FUNCTION ledger_refuse_change()`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER tg_lots_no_truncate ON lots`);
    await q.query(`DROP TRIGGER tg_lots_no_delete ON lots`);
    await q.query(`DROP TRIGGER tg_lots_guard_update ON lots`);
    await q.query(`DROP FUNCTION lots_guard_update()`);
    await q.query(`DROP TRIGGER tg_lot_lineage_no_truncate ON lot_lineage`);
    await q.query(`DROP TRIGGER tg_lot_lineage_append_only ON lot_lineage`);
    await q.query(`DROP TABLE custody_events`);
    await q.query(`DROP FUNCTION ledger_ensure_event_partitions(integer)`);
    await q.query(`DROP FUNCTION ledger_create_event_partition(date)`);
    await q.query(`DROP FUNCTION ledger_refuse_change()`);
    await q.query(`DROP TYPE custody_event_type`);
  }
}
