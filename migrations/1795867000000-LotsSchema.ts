import { MigrationInterface, QueryRunner } from "typeorm";

export class LotsSchema1795867000000 implements MigrationInterface {
    name = 'LotsSchema1795867000000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE TABLE "label_serials" (
                "organisation_id" uuid NOT NULL,
                "waste_code" character varying(16) NOT NULL,
                "serial_date" date NOT NULL,
                "last_serial" integer NOT NULL,
                CONSTRAINT "PK_07d40e6424ea2c5fb28f58ac295" PRIMARY KEY ("organisation_id", "waste_code", "serial_date")
            )
        `);
        await queryRunner.query(`
            CREATE TYPE "public"."base_unit" AS ENUM('g', 'pcs')
        `);
        await queryRunner.query(`
            CREATE TYPE "public"."quantity_method" AS ENUM('WEIGHED', 'ESTIMATED')
        `);
        await queryRunner.query(`
            CREATE TYPE "public"."physical_form" AS ENUM('SOLID', 'SEMI_SOLID', 'LIQUID', 'GAS')
        `);
        await queryRunner.query(`
            CREATE TYPE "public"."packaging_type" AS ENUM(
                'DRUM',
                'BAG',
                'BOX',
                'IBC',
                'TANK',
                'SHARPS_CONTAINER',
                'BULK',
                'OTHER'
            )
        `);
        await queryRunner.query(`
            CREATE TYPE "public"."lot_status" AS ENUM(
                'ACTIVE',
                'STORED',
                'TREATED',
                'IN_TRANSIT',
                'DISPOSED',
                'SPLIT',
                'MERGED'
            )
        `);
        await queryRunner.query(`
            CREATE TABLE "lots" (
                "id" uuid NOT NULL,
                "label_code" character varying(64) NOT NULL,
                "label_code_issued" boolean NOT NULL,
                "waste_code" character varying(16) NOT NULL,
                "waste_category" character varying(8) NOT NULL,
                "catalogue_edition_id" character varying(40) NOT NULL,
                "medical_class" character varying(20),
                "identification_ref" character varying(200),
                "quantity" bigint NOT NULL,
                "quantity_unit" "public"."base_unit" NOT NULL,
                "quantity_method" "public"."quantity_method" NOT NULL,
                "physical_form" "public"."physical_form" NOT NULL,
                "packaging_type" "public"."packaging_type" NOT NULL,
                "container_count" integer NOT NULL,
                "generator_organisation_id" uuid NOT NULL,
                "custodian_organisation_id" uuid NOT NULL,
                "status" "public"."lot_status" NOT NULL,
                "generated_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL,
                "head_seq" integer NOT NULL,
                "head_hash" bytea NOT NULL,
                "head_occurred_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL,
                "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL,
                "updated_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL,
                "created_by" character varying(80) NOT NULL,
                CONSTRAINT "PK_2bb990a4015865cb1daa1d22fd9" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "uq_lots_label_code" ON "lots" ("label_code")
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_lots_catalogue_edition_id" ON "lots" ("catalogue_edition_id")
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_lots_generated_at" ON "lots" ("generated_at")
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_lots_waste_code" ON "lots" ("waste_code")
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_lots_generator_organisation_id" ON "lots" ("generator_organisation_id")
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_lots_custodian_status" ON "lots" ("custodian_organisation_id", "status")
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "uq_lots_created_at_id" ON "lots" ("created_at", "id")
        `);
        await queryRunner.query(`
            CREATE TYPE "public"."lineage_kind" AS ENUM('SPLIT', 'MERGE')
        `);
        await queryRunner.query(`
            CREATE TABLE "lot_lineage" (
                "parent_lot_id" uuid NOT NULL,
                "child_lot_id" uuid NOT NULL,
                "kind" "public"."lineage_kind" NOT NULL,
                "quantity" bigint NOT NULL,
                "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL,
                CONSTRAINT "PK_847e5f9becf36d33028e074da4a" PRIMARY KEY ("parent_lot_id", "child_lot_id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_lot_lineage_child_lot_id" ON "lot_lineage" ("child_lot_id")
        `);
        await queryRunner.query(`
            CREATE TYPE "public"."lot_party_role" AS ENUM('GENERATOR', 'CUSTODIAN', 'MANIFEST')
        `);
        await queryRunner.query(`
            CREATE TABLE "lot_parties" (
                "lot_id" uuid NOT NULL,
                "organisation_id" uuid NOT NULL,
                "region_code" character varying(6) NOT NULL,
                "role" "public"."lot_party_role" NOT NULL,
                "since" TIMESTAMP(3) WITH TIME ZONE NOT NULL,
                CONSTRAINT "PK_3a40c014fe311df60c65649da60" PRIMARY KEY ("lot_id", "organisation_id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_lot_parties_region_lot" ON "lot_parties" ("region_code", "lot_id")
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_lot_parties_organisation_lot" ON "lot_parties" ("organisation_id", "lot_id")
        `);
        await queryRunner.query(`
            ALTER TABLE "label_serials"
            ADD CONSTRAINT "fk_label_serials_organisation" FOREIGN KEY ("organisation_id") REFERENCES "organisations"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "lots"
            ADD CONSTRAINT "fk_lots_catalogue_edition" FOREIGN KEY ("catalogue_edition_id") REFERENCES "catalogue_editions"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "lots"
            ADD CONSTRAINT "fk_lots_generator_organisation" FOREIGN KEY ("generator_organisation_id") REFERENCES "organisations"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "lots"
            ADD CONSTRAINT "fk_lots_custodian_organisation" FOREIGN KEY ("custodian_organisation_id") REFERENCES "organisations"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "lot_lineage"
            ADD CONSTRAINT "fk_lot_lineage_parent_lot" FOREIGN KEY ("parent_lot_id") REFERENCES "lots"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "lot_lineage"
            ADD CONSTRAINT "fk_lot_lineage_child_lot" FOREIGN KEY ("child_lot_id") REFERENCES "lots"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "lot_parties"
            ADD CONSTRAINT "fk_lot_parties_lot" FOREIGN KEY ("lot_id") REFERENCES "lots"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "lot_parties"
            ADD CONSTRAINT "fk_lot_parties_organisation" FOREIGN KEY ("organisation_id") REFERENCES "organisations"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            ALTER TABLE "lot_parties" DROP CONSTRAINT "fk_lot_parties_organisation"
        `);
        await queryRunner.query(`
            ALTER TABLE "lot_parties" DROP CONSTRAINT "fk_lot_parties_lot"
        `);
        await queryRunner.query(`
            ALTER TABLE "lot_lineage" DROP CONSTRAINT "fk_lot_lineage_child_lot"
        `);
        await queryRunner.query(`
            ALTER TABLE "lot_lineage" DROP CONSTRAINT "fk_lot_lineage_parent_lot"
        `);
        await queryRunner.query(`
            ALTER TABLE "lots" DROP CONSTRAINT "fk_lots_custodian_organisation"
        `);
        await queryRunner.query(`
            ALTER TABLE "lots" DROP CONSTRAINT "fk_lots_generator_organisation"
        `);
        await queryRunner.query(`
            ALTER TABLE "lots" DROP CONSTRAINT "fk_lots_catalogue_edition"
        `);
        await queryRunner.query(`
            ALTER TABLE "label_serials" DROP CONSTRAINT "fk_label_serials_organisation"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_lot_parties_organisation_lot"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_lot_parties_region_lot"
        `);
        await queryRunner.query(`
            DROP TABLE "lot_parties"
        `);
        await queryRunner.query(`
            DROP TYPE "public"."lot_party_role"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_lot_lineage_child_lot_id"
        `);
        await queryRunner.query(`
            DROP TABLE "lot_lineage"
        `);
        await queryRunner.query(`
            DROP TYPE "public"."lineage_kind"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."uq_lots_created_at_id"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_lots_custodian_status"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_lots_generator_organisation_id"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_lots_waste_code"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_lots_generated_at"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_lots_catalogue_edition_id"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."uq_lots_label_code"
        `);
        await queryRunner.query(`
            DROP TABLE "lots"
        `);
        await queryRunner.query(`
            DROP TYPE "public"."lot_status"
        `);
        await queryRunner.query(`
            DROP TYPE "public"."packaging_type"
        `);
        await queryRunner.query(`
            DROP TYPE "public"."physical_form"
        `);
        await queryRunner.query(`
            DROP TYPE "public"."quantity_method"
        `);
        await queryRunner.query(`
            DROP TYPE "public"."base_unit"
        `);
        await queryRunner.query(`
            DROP TABLE "label_serials"
        `);
    }

}
