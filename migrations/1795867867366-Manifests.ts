import { MigrationInterface, QueryRunner } from "typeorm";

export class Manifests1795867867366 implements MigrationInterface {
    name = 'Manifests1795867867366'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE TYPE "public"."manifest_status" AS ENUM(
                'DRAFT',
                'SUBMITTED',
                'IN_TRANSIT',
                'DELIVERED',
                'RECEIVED',
                'PARTIALLY_REJECTED',
                'REJECTED',
                'COMPLETED',
                'CANCELLED'
            )
        `);
        await queryRunner.query(`
            CREATE TYPE "public"."transport_mode" AS ENUM(
                'ROAD',
                'WATER',
                'RAIL',
                'AIR',
                'POST',
                'PIPELINE'
            )
        `);
        await queryRunner.query(`
            CREATE TYPE "public"."manifest_link_kind" AS ENUM('RETURN', 'ONWARD')
        `);
        await queryRunner.query(`
            CREATE TABLE "manifests" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "number" character(14) NOT NULL,
                "status" "public"."manifest_status" NOT NULL DEFAULT 'DRAFT',
                "consignor_id" uuid NOT NULL,
                "consignee_id" uuid NOT NULL,
                "consignor_region" character(6) NOT NULL,
                "consignee_region" character(6) NOT NULL,
                "planned_date" date NOT NULL,
                "planned_operation" character varying(20) NOT NULL,
                "transport_mode" "public"."transport_mode" NOT NULL DEFAULT 'ROAD',
                "approval_ref" character varying(120),
                "emergency_measures" text NOT NULL,
                "medical" boolean NOT NULL DEFAULT false,
                "current_carrier" smallint,
                "linked_manifest_id" uuid,
                "link_kind" "public"."manifest_link_kind",
                "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
                "created_by" character varying(80) NOT NULL,
                "updated_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL,
                CONSTRAINT "PK_fb41b22d800467667616837784b" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "uq_manifests_number" ON "manifests" ("number")
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_manifests_consignor_id" ON "manifests" ("consignor_id")
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_manifests_consignee_id" ON "manifests" ("consignee_id")
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_manifests_consignor_region" ON "manifests" ("consignor_region")
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_manifests_consignee_region" ON "manifests" ("consignee_region")
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_manifests_linked_manifest_id" ON "manifests" ("linked_manifest_id")
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_manifests_status" ON "manifests" ("status")
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_manifests_created_at" ON "manifests" ("created_at", "id")
        `);
        await queryRunner.query(`
            CREATE TABLE "lot_reservations" (
                "lot_id" uuid NOT NULL,
                "manifest_id" uuid NOT NULL,
                "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_ae79ba222158a55947a0e5f249b" PRIMARY KEY ("lot_id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_lot_reservations_manifest_id" ON "lot_reservations" ("manifest_id")
        `);
        await queryRunner.query(`
            CREATE TABLE "manifest_carriers" (
                "manifest_id" uuid NOT NULL,
                "position" smallint NOT NULL,
                "organisation_id" uuid NOT NULL,
                "vehicle_plate" character varying(20) NOT NULL,
                "operating_permit_number" character varying(60) NOT NULL,
                "start_point" character varying(200),
                "end_point" character varying(200),
                CONSTRAINT "PK_c0cce9085a46a9942afb992d8a2" PRIMARY KEY ("manifest_id", "position")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_manifest_carriers_organisation_id" ON "manifest_carriers" ("organisation_id")
        `);
        await queryRunner.query(`
            CREATE TYPE "public"."manifest_line_decision" AS ENUM('ACCEPTED', 'PARTIALLY_REJECTED', 'REJECTED')
        `);
        await queryRunner.query(`
            CREATE TABLE "manifest_lines" (
                "manifest_id" uuid NOT NULL,
                "line_no" smallint NOT NULL,
                "lot_id" uuid NOT NULL,
                "waste_code" character varying(16) NOT NULL,
                "unit" character varying(3) NOT NULL,
                "declared_quantity" bigint NOT NULL,
                "declared_containers" integer NOT NULL,
                "hazard" character varying(40),
                "physical_form" character varying(40),
                "packaging" character varying(80),
                "un_number" character varying(10),
                "dangerous_goods_class" character varying(10),
                "received_quantity" bigint,
                "received_containers" integer,
                "received_waste_code" character varying(16),
                "decision" "public"."manifest_line_decision",
                "accepted_quantity" bigint,
                "rejection_reason" text,
                "operation_code" character varying(20),
                "treated_quantity" bigint,
                "follow_up_manifest_id" uuid,
                CONSTRAINT "PK_0e1a172c025b08aae7f0cde3dc5" PRIMARY KEY ("manifest_id", "line_no")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_manifest_lines_lot_id" ON "manifest_lines" ("lot_id")
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_manifest_lines_waste_code" ON "manifest_lines" ("waste_code")
        `);
        await queryRunner.query(`
            CREATE TABLE "manifest_number_counters" (
                "city_code" character(4) NOT NULL,
                "year" smallint NOT NULL,
                "last_serial" integer NOT NULL,
                CONSTRAINT "PK_dfa956e5db9d36acd3be25be5ee" PRIMARY KEY ("city_code", "year")
            )
        `);
        await queryRunner.query(`
            CREATE TABLE "manifest_steps" (
                "manifest_id" uuid NOT NULL,
                "seq" smallint NOT NULL,
                "action" character varying(12) NOT NULL,
                "from_status" character varying(40) NOT NULL,
                "to_status" character varying(40) NOT NULL,
                "organisation_id" uuid NOT NULL,
                "member_id" uuid,
                "actor" character varying(80) NOT NULL,
                "occurred_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL,
                "recorded_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL,
                "payload" jsonb NOT NULL,
                "payload_hash" character(64) NOT NULL,
                "device_key_id" uuid,
                "signature" character varying(86),
                CONSTRAINT "PK_91acc40906d1fe848bad79b902e" PRIMARY KEY ("manifest_id", "seq")
            )
        `);
        await queryRunner.query(`
            ALTER TABLE "manifests"
            ADD CONSTRAINT "fk_manifests_consignor" FOREIGN KEY ("consignor_id") REFERENCES "organisations"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "manifests"
            ADD CONSTRAINT "fk_manifests_consignee" FOREIGN KEY ("consignee_id") REFERENCES "organisations"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "manifests"
            ADD CONSTRAINT "fk_manifests_linked_manifest" FOREIGN KEY ("linked_manifest_id") REFERENCES "manifests"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "lot_reservations"
            ADD CONSTRAINT "fk_lot_reservations_lot" FOREIGN KEY ("lot_id") REFERENCES "lots"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "lot_reservations"
            ADD CONSTRAINT "fk_lot_reservations_manifest" FOREIGN KEY ("manifest_id") REFERENCES "manifests"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "manifest_carriers"
            ADD CONSTRAINT "fk_manifest_carriers_manifest" FOREIGN KEY ("manifest_id") REFERENCES "manifests"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "manifest_carriers"
            ADD CONSTRAINT "fk_manifest_carriers_organisation" FOREIGN KEY ("organisation_id") REFERENCES "organisations"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "manifest_lines"
            ADD CONSTRAINT "fk_manifest_lines_manifest" FOREIGN KEY ("manifest_id") REFERENCES "manifests"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "manifest_lines"
            ADD CONSTRAINT "fk_manifest_lines_lot" FOREIGN KEY ("lot_id") REFERENCES "lots"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "manifest_steps"
            ADD CONSTRAINT "fk_manifest_steps_manifest" FOREIGN KEY ("manifest_id") REFERENCES "manifests"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            ALTER TABLE "manifest_steps" DROP CONSTRAINT "fk_manifest_steps_manifest"
        `);
        await queryRunner.query(`
            ALTER TABLE "manifest_lines" DROP CONSTRAINT "fk_manifest_lines_lot"
        `);
        await queryRunner.query(`
            ALTER TABLE "manifest_lines" DROP CONSTRAINT "fk_manifest_lines_manifest"
        `);
        await queryRunner.query(`
            ALTER TABLE "manifest_carriers" DROP CONSTRAINT "fk_manifest_carriers_organisation"
        `);
        await queryRunner.query(`
            ALTER TABLE "manifest_carriers" DROP CONSTRAINT "fk_manifest_carriers_manifest"
        `);
        await queryRunner.query(`
            ALTER TABLE "lot_reservations" DROP CONSTRAINT "fk_lot_reservations_manifest"
        `);
        await queryRunner.query(`
            ALTER TABLE "lot_reservations" DROP CONSTRAINT "fk_lot_reservations_lot"
        `);
        await queryRunner.query(`
            ALTER TABLE "manifests" DROP CONSTRAINT "fk_manifests_linked_manifest"
        `);
        await queryRunner.query(`
            ALTER TABLE "manifests" DROP CONSTRAINT "fk_manifests_consignee"
        `);
        await queryRunner.query(`
            ALTER TABLE "manifests" DROP CONSTRAINT "fk_manifests_consignor"
        `);
        await queryRunner.query(`
            DROP TABLE "manifest_steps"
        `);
        await queryRunner.query(`
            DROP TABLE "manifest_number_counters"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_manifest_lines_waste_code"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_manifest_lines_lot_id"
        `);
        await queryRunner.query(`
            DROP TABLE "manifest_lines"
        `);
        await queryRunner.query(`
            DROP TYPE "public"."manifest_line_decision"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_manifest_carriers_organisation_id"
        `);
        await queryRunner.query(`
            DROP TABLE "manifest_carriers"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_lot_reservations_manifest_id"
        `);
        await queryRunner.query(`
            DROP TABLE "lot_reservations"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_manifests_created_at"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_manifests_status"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_manifests_linked_manifest_id"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_manifests_consignee_region"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_manifests_consignor_region"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_manifests_consignee_id"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_manifests_consignor_id"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."uq_manifests_number"
        `);
        await queryRunner.query(`
            DROP TABLE "manifests"
        `);
        await queryRunner.query(`
            DROP TYPE "public"."manifest_link_kind"
        `);
        await queryRunner.query(`
            DROP TYPE "public"."transport_mode"
        `);
        await queryRunner.query(`
            DROP TYPE "public"."manifest_status"
        `);
    }

}
