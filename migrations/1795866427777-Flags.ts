import { MigrationInterface, QueryRunner } from "typeorm";

export class Flags1795866427777 implements MigrationInterface {
    name = 'Flags1795866427777'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE TYPE "public"."flag_status" AS ENUM('OPEN', 'ACKNOWLEDGED', 'RESOLVED')
        `);
        await queryRunner.query(`
            CREATE TABLE "flags" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "rule_id" character varying(40) NOT NULL,
                "severity" character varying(10) NOT NULL,
                "action" character varying(10) NOT NULL,
                "status" "public"."flag_status" NOT NULL DEFAULT 'OPEN',
                "dedupe_key" character varying(500) NOT NULL,
                "subject_type" character varying(20) NOT NULL,
                "subject_id" character varying(120) NOT NULL,
                "organisation_ids" uuid array NOT NULL,
                "region_codes" text array NOT NULL,
                "message" text NOT NULL,
                "evidence" jsonb NOT NULL,
                "profile_id" character varying(60) NOT NULL,
                "detected_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
                "last_seen_at" TIMESTAMP WITH TIME ZONE NOT NULL,
                "acknowledged_at" TIMESTAMP WITH TIME ZONE,
                "acknowledged_by" character varying(80),
                "resolved_at" TIMESTAMP WITH TIME ZONE,
                "resolved_by" character varying(80),
                "resolution" character varying(10),
                CONSTRAINT "PK_ea7e333c92a55de9e9b8d0b9afd" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_flags_rule_status" ON "flags" ("rule_id", "status")
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_flags_organisation_ids_gin" ON "flags" USING gin ("organisation_ids")
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_flags_detected_at" ON "flags" ("detected_at", "id")
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_flags_subject" ON "flags" ("subject_type", "subject_id")
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_flags_dedupe_key" ON "flags" ("dedupe_key")
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "uq_flags_active_dedupe_key" ON "flags" ("dedupe_key")
            WHERE status IN ('OPEN', 'ACKNOWLEDGED')
        `);
        await queryRunner.query(`
            CREATE TABLE "flag_events" (
                "id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL,
                "flag_id" uuid NOT NULL,
                "kind" character varying(20) NOT NULL,
                "actor" character varying(80) NOT NULL,
                "note" text,
                "detail" jsonb,
                "at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_505ff35b63e063c242e37120b0a" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_flag_events_flag_id" ON "flag_events" ("flag_id")
        `);
        await queryRunner.query(`
            ALTER TABLE "flag_events"
            ADD CONSTRAINT "fk_flag_events_flag" FOREIGN KEY ("flag_id") REFERENCES "flags"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
        // Flags are never deleted; their history is append-only.
        await queryRunner.query(`CREATE FUNCTION flags_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
          BEGIN RAISE EXCEPTION '% on % is not allowed: flags are never deleted and their history is append-only', TG_OP, TG_TABLE_NAME
            USING ERRCODE = 'insufficient_privilege'; END $$`);
        await queryRunner.query(`CREATE TRIGGER flag_events_append_only BEFORE UPDATE OR DELETE ON flag_events FOR EACH ROW EXECUTE FUNCTION flags_refuse_change()`);
        await queryRunner.query(`CREATE TRIGGER flag_events_no_truncate BEFORE TRUNCATE ON flag_events FOR EACH STATEMENT EXECUTE FUNCTION flags_refuse_change()`);
        await queryRunner.query(`CREATE TRIGGER flags_no_delete BEFORE DELETE ON flags FOR EACH ROW EXECUTE FUNCTION flags_refuse_change()`);
        await queryRunner.query(`CREATE TRIGGER flags_no_truncate BEFORE TRUNCATE ON flags FOR EACH STATEMENT EXECUTE FUNCTION flags_refuse_change()`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP TRIGGER flags_no_truncate ON flags`);
        await queryRunner.query(`DROP TRIGGER flags_no_delete ON flags`);
        await queryRunner.query(`DROP TRIGGER flag_events_no_truncate ON flag_events`);
        await queryRunner.query(`DROP TRIGGER flag_events_append_only ON flag_events`);
        await queryRunner.query(`DROP FUNCTION flags_refuse_change()`);
        await queryRunner.query(`
            ALTER TABLE "flag_events" DROP CONSTRAINT "fk_flag_events_flag"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_flag_events_flag_id"
        `);
        await queryRunner.query(`
            DROP TABLE "flag_events"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."uq_flags_active_dedupe_key"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_flags_dedupe_key"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_flags_subject"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_flags_detected_at"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_flags_organisation_ids_gin"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_flags_rule_status"
        `);
        await queryRunner.query(`
            DROP TABLE "flags"
        `);
        await queryRunner.query(`
            DROP TYPE "public"."flag_status"
        `);
    }

}
