import { MigrationInterface, QueryRunner } from "typeorm";

export class KeyUnitDesignations1795869500000 implements MigrationInterface {
    name = 'KeyUnitDesignations1795869500000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE TYPE "public"."key_unit_action" AS ENUM('ADD', 'REMOVE')
        `);
        await queryRunner.query(`
            CREATE TABLE "key_unit_designations" (
                "id" BIGSERIAL NOT NULL,
                "organisation_id" uuid NOT NULL,
                "action" "public"."key_unit_action" NOT NULL,
                "reason" text NOT NULL,
                "regulator_organisation_id" uuid NOT NULL,
                "member_id" uuid NOT NULL,
                "actor" character varying(80) NOT NULL,
                "recorded_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
                CONSTRAINT "PK_060295b726ef1eb4a017d52fcb8" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_key_unit_designations_member_id" ON "key_unit_designations" ("member_id")
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_key_unit_designations_regulator_organisation_id" ON "key_unit_designations" ("regulator_organisation_id")
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_key_unit_designations_organisation_id" ON "key_unit_designations" ("organisation_id", "id")
        `);
        await queryRunner.query(`
            ALTER TABLE "key_unit_designations"
            ADD CONSTRAINT "fk_key_unit_designations_organisation" FOREIGN KEY ("organisation_id") REFERENCES "organisations"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "key_unit_designations"
            ADD CONSTRAINT "fk_key_unit_designations_regulator_organisation" FOREIGN KEY ("regulator_organisation_id") REFERENCES "organisations"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "key_unit_designations"
            ADD CONSTRAINT "fk_key_unit_designations_member" FOREIGN KEY ("member_id") REFERENCES "members"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            ALTER TABLE "key_unit_designations" DROP CONSTRAINT "fk_key_unit_designations_member"
        `);
        await queryRunner.query(`
            ALTER TABLE "key_unit_designations" DROP CONSTRAINT "fk_key_unit_designations_regulator_organisation"
        `);
        await queryRunner.query(`
            ALTER TABLE "key_unit_designations" DROP CONSTRAINT "fk_key_unit_designations_organisation"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_key_unit_designations_organisation_id"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_key_unit_designations_regulator_organisation_id"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_key_unit_designations_member_id"
        `);
        await queryRunner.query(`
            DROP TABLE "key_unit_designations"
        `);
        await queryRunner.query(`
            DROP TYPE "public"."key_unit_action"
        `);
    }

}
