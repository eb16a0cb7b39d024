import { MigrationInterface, QueryRunner } from "typeorm";

export class Foundation1795864891179 implements MigrationInterface {
    name = 'Foundation1795864891179'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE TABLE "job_failures" (
                "id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL,
                "queue" character varying(100) NOT NULL,
                "job_id" character varying(200) NOT NULL,
                "job_name" character varying(100) NOT NULL,
                "payload" jsonb NOT NULL,
                "attempts" integer NOT NULL,
                "error" text NOT NULL,
                "failed_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_c199fe43056ac6b47d3937e7d42" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_job_failures_failed_at" ON "job_failures" ("failed_at")
        `);
        await queryRunner.query(`
            CREATE TABLE "outbox_messages" (
                "id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL,
                "job_name" character varying(100) NOT NULL,
                "payload" jsonb NOT NULL,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                "dispatched_at" TIMESTAMP WITH TIME ZONE,
                "dispatch_count" integer NOT NULL DEFAULT '0',
                "processed_at" TIMESTAMP WITH TIME ZONE,
                "failed_at" TIMESTAMP WITH TIME ZONE,
                CONSTRAINT "PK_0171348f527c64b137e4d4f5b66" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_outbox_messages_processed_at" ON "outbox_messages" ("processed_at")
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_outbox_messages_pending" ON "outbox_messages" ("id")
            WHERE processed_at IS NULL
                AND failed_at IS NULL
        `);
        await queryRunner.query(`
            CREATE TYPE "public"."organisation_role" AS ENUM(
                'GENERATOR',
                'TRANSPORTER',
                'COLLECTOR',
                'STORER',
                'TREATER',
                'REGULATOR'
            )
        `);
        await queryRunner.query(`
            CREATE TABLE "organisations" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "name" character varying(200) NOT NULL,
                "roles" "public"."organisation_role" array NOT NULL,
                "registration_code" character varying(18) NOT NULL,
                "region_code" character(6) NOT NULL,
                "jurisdiction_prefix" character varying(6),
                "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
                "created_by" character varying(80) NOT NULL,
                CONSTRAINT "PK_7bf54cba378d5b2f1d4c10ef4df" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "uq_organisations_registration_code" ON "organisations" ("registration_code")
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_organisations_region_code" ON "organisations" ("region_code")
        `);
        await queryRunner.query(`
            CREATE TYPE "public"."member_role" AS ENUM('ADMIN', 'OPERATOR', 'DRIVER', 'AUDITOR')
        `);
        await queryRunner.query(`
            CREATE TYPE "public"."member_status" AS ENUM('ACTIVE', 'DISABLED')
        `);
        await queryRunner.query(`
            CREATE TABLE "members" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "organisation_id" uuid NOT NULL,
                "name" character varying(200) NOT NULL,
                "email" character varying(320),
                "role" "public"."member_role" NOT NULL,
                "status" "public"."member_status" NOT NULL DEFAULT 'ACTIVE',
                "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
                "created_by" character varying(80) NOT NULL,
                CONSTRAINT "PK_28b53062261b996d9c99fa12404" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_members_organisation_id" ON "members" ("organisation_id")
        `);
        await queryRunner.query(`
            CREATE TYPE "public"."api_key_scope" AS ENUM('read', 'write')
        `);
        await queryRunner.query(`
            CREATE TABLE "api_keys" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "public_id" character varying(32) NOT NULL,
                "secret_hash" character(64) NOT NULL,
                "member_id" uuid,
                "organisation_id" uuid,
                "platform_admin" boolean NOT NULL DEFAULT false,
                "name" character varying(200) NOT NULL,
                "scopes" "public"."api_key_scope" array NOT NULL,
                "expires_at" TIMESTAMP WITH TIME ZONE,
                "revoked_at" TIMESTAMP WITH TIME ZONE,
                "revoked_by" character varying(80),
                "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
                "created_by" character varying(80) NOT NULL,
                CONSTRAINT "PK_5c8a79801b44bd27b79228e1dad" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "uq_api_keys_public_id" ON "api_keys" ("public_id")
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_api_keys_member_id" ON "api_keys" ("member_id")
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_api_keys_organisation_id" ON "api_keys" ("organisation_id")
        `);
        await queryRunner.query(`
            CREATE TABLE "idempotency_keys" (
                "scope" character varying(80) NOT NULL,
                "key" character varying(255) NOT NULL,
                "request_hash" character(64) NOT NULL,
                "response_status" smallint,
                "response_body" jsonb,
                "locked_until" TIMESTAMP WITH TIME ZONE NOT NULL,
                "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_15de2f76fa9f27ad8f330983607" PRIMARY KEY ("scope", "key")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_idempotency_keys_created_at" ON "idempotency_keys" ("created_at")
        `);
        await queryRunner.query(`
            ALTER TABLE "members"
            ADD CONSTRAINT "fk_members_organisation" FOREIGN KEY ("organisation_id") REFERENCES "organisations"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "api_keys"
            ADD CONSTRAINT "fk_api_keys_member" FOREIGN KEY ("member_id") REFERENCES "members"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "api_keys"
            ADD CONSTRAINT "fk_api_keys_organisation" FOREIGN KEY ("organisation_id") REFERENCES "organisations"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            ALTER TABLE "api_keys" DROP CONSTRAINT "fk_api_keys_organisation"
        `);
        await queryRunner.query(`
            ALTER TABLE "api_keys" DROP CONSTRAINT "fk_api_keys_member"
        `);
        await queryRunner.query(`
            ALTER TABLE "members" DROP CONSTRAINT "fk_members_organisation"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_idempotency_keys_created_at"
        `);
        await queryRunner.query(`
            DROP TABLE "idempotency_keys"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_api_keys_organisation_id"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_api_keys_member_id"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."uq_api_keys_public_id"
        `);
        await queryRunner.query(`
            DROP TABLE "api_keys"
        `);
        await queryRunner.query(`
            DROP TYPE "public"."api_key_scope"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_members_organisation_id"
        `);
        await queryRunner.query(`
            DROP TABLE "members"
        `);
        await queryRunner.query(`
            DROP TYPE "public"."member_status"
        `);
        await queryRunner.query(`
            DROP TYPE "public"."member_role"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_organisations_region_code"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."uq_organisations_registration_code"
        `);
        await queryRunner.query(`
            DROP TABLE "organisations"
        `);
        await queryRunner.query(`
            DROP TYPE "public"."organisation_role"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_outbox_messages_pending"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_outbox_messages_processed_at"
        `);
        await queryRunner.query(`
            DROP TABLE "outbox_messages"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_job_failures_failed_at"
        `);
        await queryRunner.query(`
            DROP TABLE "job_failures"
        `);
    }

}
