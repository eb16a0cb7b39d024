import { MigrationInterface, QueryRunner } from "typeorm";

export class ReconciliationRuns1795868000000 implements MigrationInterface {
    name = 'ReconciliationRuns1795868000000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE TYPE "public"."reconciliation_run_status" AS ENUM('QUEUED', 'RUNNING', 'COMPLETED', 'FAILED')
        `);
        await queryRunner.query(`
            CREATE TABLE "reconciliation_runs" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "requested_by" character varying(80) NOT NULL,
                "region_prefix" character varying(6),
                "period_from" date,
                "period_to" date,
                "status" "public"."reconciliation_run_status" NOT NULL DEFAULT 'QUEUED',
                "total" integer NOT NULL DEFAULT '0',
                "processed" integer NOT NULL DEFAULT '0',
                "batches_total" integer NOT NULL DEFAULT '0',
                "batches_done" integer NOT NULL DEFAULT '0',
                "flags_raised" integer NOT NULL DEFAULT '0',
                "flags_resolved" integer NOT NULL DEFAULT '0',
                "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
                "started_at" TIMESTAMP(3) WITH TIME ZONE,
                "finished_at" TIMESTAMP(3) WITH TIME ZONE,
                "error" text,
                CONSTRAINT "PK_4edbdb165c9e754997036a4176a" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_reconciliation_runs_created_at" ON "reconciliation_runs" ("created_at", "id")
        `);
        await queryRunner.query(`
            CREATE TABLE "reconciliation_run_batches" (
                "run_id" uuid NOT NULL,
                "batch_no" integer NOT NULL,
                "subjects" integer NOT NULL,
                "flags_raised" integer NOT NULL,
                "flags_resolved" integer NOT NULL,
                "done_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL,
                CONSTRAINT "PK_f16a076940470e5c0e3992a20b2" PRIMARY KEY ("run_id", "batch_no")
            )
        `);
        await queryRunner.query(`
            CREATE TABLE "reconciliation_subjects" (
                "subject_type" character varying(20) NOT NULL,
                "subject_id" character varying(120) NOT NULL,
                "evaluated_at" TIMESTAMP(3) WITH TIME ZONE,
                "due_at" TIMESTAMP(3) WITH TIME ZONE,
                "profile_id" character varying(60),
                CONSTRAINT "PK_3a9713ea6e04dee95a4fc32df38" PRIMARY KEY ("subject_type", "subject_id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_reconciliation_subjects_due_at" ON "reconciliation_subjects" ("due_at")
            WHERE due_at IS NOT NULL
        `);
        await queryRunner.query(`
            CREATE TABLE "rule_profiles" (
                "id" character varying(60) NOT NULL,
                "regime" character varying(10) NOT NULL,
                "name" character varying(200) NOT NULL,
                "effective_from" date NOT NULL,
                "effective_to" date,
                "body" jsonb NOT NULL,
                "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_be5fcc6d3dc3a673f6274933035" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "uq_rule_profiles_regime_effective_from" ON "rule_profiles" ("regime", "effective_from")
        `);
        await queryRunner.query(`
            ALTER TABLE "reconciliation_run_batches"
            ADD CONSTRAINT "fk_reconciliation_run_batches_run" FOREIGN KEY ("run_id") REFERENCES "reconciliation_runs"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            ALTER TABLE "reconciliation_run_batches" DROP CONSTRAINT "fk_reconciliation_run_batches_run"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."uq_rule_profiles_regime_effective_from"
        `);
        await queryRunner.query(`
            DROP TABLE "rule_profiles"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_reconciliation_subjects_due_at"
        `);
        await queryRunner.query(`
            DROP TABLE "reconciliation_subjects"
        `);
        await queryRunner.query(`
            DROP TABLE "reconciliation_run_batches"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_reconciliation_runs_created_at"
        `);
        await queryRunner.query(`
            DROP TABLE "reconciliation_runs"
        `);
        await queryRunner.query(`
            DROP TYPE "public"."reconciliation_run_status"
        `);
    }

}
