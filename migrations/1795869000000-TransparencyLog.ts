import { MigrationInterface, QueryRunner } from "typeorm";

export class TransparencyLog1795869000000 implements MigrationInterface {
    name = 'TransparencyLog1795869000000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE TABLE "regulator_reads" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
                "regulator_organisation_id" uuid NOT NULL,
                "member_id" uuid NOT NULL,
                "actor" character varying(80) NOT NULL,
                "resource_type" character varying(40) NOT NULL,
                "resource_ids" character varying(64) array NOT NULL,
                "route" character varying(200) NOT NULL,
                "path" character varying(2000) NOT NULL,
                "request_id" character varying(128),
                CONSTRAINT "pk_regulator_reads" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_regulator_reads_member_id" ON "regulator_reads" ("member_id")
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_regulator_reads_regulator_organisation" ON "regulator_reads" ("regulator_organisation_id", "created_at", "id")
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_regulator_reads_created_at_id" ON "regulator_reads" ("created_at", "id")
        `);
        await queryRunner.query(`
            CREATE TABLE "ledger_signing_keys" (
                "key_id" character(16) NOT NULL,
                "public_key" character(43) NOT NULL,
                "ephemeral" boolean NOT NULL,
                "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "pk_ledger_signing_keys" PRIMARY KEY ("key_id")
            )
        `);
        await queryRunner.query(`
            CREATE TABLE "ledger_checkpoints" (
                "tree_size" bigint NOT NULL,
                "root_hash" bytea NOT NULL,
                "issued_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL,
                "key_id" character(16) NOT NULL,
                "signature" bytea NOT NULL,
                "frontier" jsonb NOT NULL,
                CONSTRAINT "ck_ledger_checkpoints_signature" CHECK (octet_length("signature") = 64),
                CONSTRAINT "ck_ledger_checkpoints_root_hash" CHECK (octet_length("root_hash") = 32),
                CONSTRAINT "ck_ledger_checkpoints_tree_size" CHECK ("tree_size" >= 1),
                CONSTRAINT "pk_ledger_checkpoints" PRIMARY KEY ("tree_size")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_ledger_checkpoints_key_id" ON "ledger_checkpoints" ("key_id")
        `);
        await queryRunner.query(`
            CREATE TABLE "ledger_log_entries" (
                "log_index" bigint NOT NULL,
                "lot_id" uuid NOT NULL,
                "seq" integer NOT NULL,
                "global_seq" bigint NOT NULL,
                "event_hash" bytea NOT NULL,
                "leaf_hash" bytea NOT NULL,
                CONSTRAINT "ck_ledger_log_entries_leaf_hash" CHECK (octet_length("leaf_hash") = 32),
                CONSTRAINT "ck_ledger_log_entries_event_hash" CHECK (octet_length("event_hash") = 32),
                CONSTRAINT "ck_ledger_log_entries_log_index" CHECK ("log_index" >= 0),
                CONSTRAINT "pk_ledger_log_entries" PRIMARY KEY ("log_index")
            )
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "uq_ledger_log_entries_lot_seq" ON "ledger_log_entries" ("lot_id", "seq")
        `);
        await queryRunner.query(`
            CREATE TABLE "ledger_log_pending" (
                "global_seq" bigint NOT NULL,
                "lot_id" uuid NOT NULL,
                "seq" integer NOT NULL,
                "event_hash" bytea NOT NULL,
                CONSTRAINT "ck_ledger_log_pending_event_hash" CHECK (octet_length("event_hash") = 32),
                CONSTRAINT "pk_ledger_log_pending" PRIMARY KEY ("global_seq")
            )
        `);
        await queryRunner.query(`
            CREATE TABLE "ledger_merkle_nodes" (
                "level" smallint NOT NULL,
                "index" bigint NOT NULL,
                "hash" bytea NOT NULL,
                CONSTRAINT "ck_ledger_merkle_nodes_hash" CHECK (octet_length("hash") = 32),
                CONSTRAINT "ck_ledger_merkle_nodes_index" CHECK ("index" >= 0),
                CONSTRAINT "ck_ledger_merkle_nodes_level" CHECK (
                    "level" >= 0
                    AND "level" <= 62
                ),
                CONSTRAINT "pk_ledger_merkle_nodes" PRIMARY KEY ("level", "index")
            )
        `);
        await queryRunner.query(`
            ALTER TABLE "regulator_reads"
            ADD CONSTRAINT "fk_regulator_reads_organisation" FOREIGN KEY ("regulator_organisation_id") REFERENCES "organisations"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "regulator_reads"
            ADD CONSTRAINT "fk_regulator_reads_member" FOREIGN KEY ("member_id") REFERENCES "members"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "ledger_checkpoints"
            ADD CONSTRAINT "fk_ledger_checkpoints_key" FOREIGN KEY ("key_id") REFERENCES "ledger_signing_keys"("key_id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "ledger_log_entries"
            ADD CONSTRAINT "fk_ledger_log_entries_lot" FOREIGN KEY ("lot_id") REFERENCES "lots"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            ALTER TABLE "ledger_log_entries" DROP CONSTRAINT "fk_ledger_log_entries_lot"
        `);
        await queryRunner.query(`
            ALTER TABLE "ledger_checkpoints" DROP CONSTRAINT "fk_ledger_checkpoints_key"
        `);
        await queryRunner.query(`
            ALTER TABLE "regulator_reads" DROP CONSTRAINT "fk_regulator_reads_member"
        `);
        await queryRunner.query(`
            ALTER TABLE "regulator_reads" DROP CONSTRAINT "fk_regulator_reads_organisation"
        `);
        await queryRunner.query(`
            DROP TABLE "ledger_merkle_nodes"
        `);
        await queryRunner.query(`
            DROP TABLE "ledger_log_pending"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."uq_ledger_log_entries_lot_seq"
        `);
        await queryRunner.query(`
            DROP TABLE "ledger_log_entries"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_ledger_checkpoints_key_id"
        `);
        await queryRunner.query(`
            DROP TABLE "ledger_checkpoints"
        `);
        await queryRunner.query(`
            DROP TABLE "ledger_signing_keys"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_regulator_reads_created_at_id"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_regulator_reads_regulator_organisation"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_regulator_reads_member_id"
        `);
        await queryRunner.query(`
            DROP TABLE "regulator_reads"
        `);
    }

}
