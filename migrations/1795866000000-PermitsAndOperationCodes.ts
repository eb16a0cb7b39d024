import { MigrationInterface, QueryRunner } from "typeorm";

export class PermitsAndOperationCodes1795866000000 implements MigrationInterface {
    name = 'PermitsAndOperationCodes1795866000000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE TYPE "public"."operation_kind" AS ENUM('COLLECTION', 'STORAGE', 'RECOVERY', 'DISPOSAL')
        `);
        await queryRunner.query(`
            CREATE TABLE "operation_codes" (
                "scheme" character varying(20) NOT NULL,
                "code" character varying(20) NOT NULL,
                "name_zh" character varying(300) NOT NULL,
                "name_en" character varying(400) NOT NULL,
                "kind" "public"."operation_kind" NOT NULL,
                "interim" boolean NOT NULL DEFAULT false,
                "position" smallint NOT NULL,
                "source" text NOT NULL,
                CONSTRAINT "PK_f351ca383e6938635e04a42691c" PRIMARY KEY ("scheme", "code")
            )
        `);
        await queryRunner.query(`
            CREATE TYPE "public"."credit_grade" AS ENUM('GREEN', 'BLUE', 'YELLOW', 'BLACK')
        `);
        await queryRunner.query(`
            CREATE TABLE "credit_grades" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "organisation_id" uuid NOT NULL,
                "grade" "public"."credit_grade" NOT NULL,
                "issuer" character varying(200) NOT NULL,
                "valid_from" date NOT NULL,
                "valid_to" date,
                "source_document" character varying(500) NOT NULL,
                "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
                "created_by" character varying(80) NOT NULL,
                CONSTRAINT "PK_04bfb5107a11f52d0f1ed771f5a" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_credit_grades_organisation_id" ON "credit_grades" ("organisation_id", "created_at", "id")
        `);
        await queryRunner.query(`
            CREATE TYPE "public"."permit_kind" AS ENUM(
                'HW_OPERATING_COMPREHENSIVE',
                'HW_OPERATING_COLLECTION',
                'ROAD_DANGEROUS_GOODS_TRANSPORT',
                'MEDICAL_WASTE_DISPOSAL'
            )
        `);
        await queryRunner.query(`
            CREATE TYPE "public"."operation_mode" AS ENUM(
                'COLLECTION',
                'STORAGE',
                'UTILISATION',
                'DISPOSAL',
                'TRANSPORT'
            )
        `);
        await queryRunner.query(`
            CREATE TYPE "public"."permit_status" AS ENUM('ACTIVE', 'SUSPENDED', 'REVOKED', 'CANCELLED')
        `);
        await queryRunner.query(`
            CREATE TABLE "permits" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "organisation_id" uuid NOT NULL,
                "kind" "public"."permit_kind" NOT NULL,
                "number" character varying(100) NOT NULL,
                "operation_modes" "public"."operation_mode" array NOT NULL,
                "waste_codes" character varying(16) array NOT NULL,
                "waste_categories" character varying(8) array NOT NULL,
                "annual_capacity_grams" bigint,
                "facility_address" character varying(500),
                "valid_from" date NOT NULL,
                "valid_to" date NOT NULL,
                "issuer" character varying(200) NOT NULL,
                "dedicated_medical_waste" boolean NOT NULL DEFAULT false,
                "collection_pilot" boolean NOT NULL DEFAULT false,
                "status" "public"."permit_status" NOT NULL DEFAULT 'ACTIVE',
                "status_changed_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL,
                "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
                "created_by" character varying(80) NOT NULL,
                CONSTRAINT "PK_e0f39993461b6ea160b4f42ac1c" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_permits_organisation_id" ON "permits" ("organisation_id")
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_permits_number" ON "permits" ("number")
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_permits_created_at_id" ON "permits" ("created_at", "id")
        `);
        await queryRunner.query(`
            CREATE TYPE "public"."permit_action" AS ENUM(
                'ISSUE',
                'SUSPEND',
                'REINSTATE',
                'REVOKE',
                'CANCEL'
            )
        `);
        await queryRunner.query(`
            CREATE TYPE "public"."permit_state" AS ENUM(
                'ACTIVE',
                'SUSPENDED',
                'REVOKED',
                'CANCELLED',
                'EXPIRED'
            )
        `);
        await queryRunner.query(`
            CREATE TABLE "permit_status_changes" (
                "id" BIGSERIAL NOT NULL,
                "permit_id" uuid NOT NULL,
                "action" "public"."permit_action" NOT NULL,
                "from_state" "public"."permit_state",
                "to_state" "public"."permit_state" NOT NULL,
                "reason" text NOT NULL,
                "actor" character varying(80) NOT NULL,
                "occurred_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_4bfba0c02aa51c8e7aaa5018fe2" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_permit_status_changes_permit_id" ON "permit_status_changes" ("permit_id", "id")
        `);
        await queryRunner.query(`
            CREATE TABLE "permit_usage" (
                "id" BIGSERIAL NOT NULL,
                "permit_id" uuid NOT NULL,
                "occurred_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL,
                "quantity_grams" bigint NOT NULL,
                "reference" character varying(200) NOT NULL,
                "recorded_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_3bbfdf375eda45c13c31cc27215" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "uq_permit_usage_permit_id_reference" ON "permit_usage" ("permit_id", "reference")
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_permit_usage_permit_id_occurred_at" ON "permit_usage" ("permit_id", "occurred_at")
        `);
        await queryRunner.query(`
            ALTER TABLE "credit_grades"
            ADD CONSTRAINT "fk_credit_grades_organisation" FOREIGN KEY ("organisation_id") REFERENCES "organisations"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "permits"
            ADD CONSTRAINT "fk_permits_organisation" FOREIGN KEY ("organisation_id") REFERENCES "organisations"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "permit_status_changes"
            ADD CONSTRAINT "fk_permit_status_changes_permit" FOREIGN KEY ("permit_id") REFERENCES "permits"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "permit_usage"
            ADD CONSTRAINT "fk_permit_usage_permit" FOREIGN KEY ("permit_id") REFERENCES "permits"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            ALTER TABLE "permit_usage" DROP CONSTRAINT "fk_permit_usage_permit"
        `);
        await queryRunner.query(`
            ALTER TABLE "permit_status_changes" DROP CONSTRAINT "fk_permit_status_changes_permit"
        `);
        await queryRunner.query(`
            ALTER TABLE "permits" DROP CONSTRAINT "fk_permits_organisation"
        `);
        await queryRunner.query(`
            ALTER TABLE "credit_grades" DROP CONSTRAINT "fk_credit_grades_organisation"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_permit_usage_permit_id_occurred_at"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."uq_permit_usage_permit_id_reference"
        `);
        await queryRunner.query(`
            DROP TABLE "permit_usage"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_permit_status_changes_permit_id"
        `);
        await queryRunner.query(`
            DROP TABLE "permit_status_changes"
        `);
        await queryRunner.query(`
            DROP TYPE "public"."permit_state"
        `);
        await queryRunner.query(`
            DROP TYPE "public"."permit_action"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_permits_created_at_id"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_permits_number"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_permits_organisation_id"
        `);
        await queryRunner.query(`
            DROP TABLE "permits"
        `);
        await queryRunner.query(`
            DROP TYPE "public"."permit_status"
        `);
        await queryRunner.query(`
            DROP TYPE "public"."operation_mode"
        `);
        await queryRunner.query(`
            DROP TYPE "public"."permit_kind"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_credit_grades_organisation_id"
        `);
        await queryRunner.query(`
            DROP TABLE "credit_grades"
        `);
        await queryRunner.query(`
            DROP TYPE "public"."credit_grade"
        `);
        await queryRunner.query(`
            DROP TABLE "operation_codes"
        `);
        await queryRunner.query(`
            DROP TYPE "public"."operation_kind"
        `);
    }

}
