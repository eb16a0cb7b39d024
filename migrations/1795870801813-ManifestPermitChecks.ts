import { MigrationInterface, QueryRunner } from "typeorm";

export class ManifestPermitChecks1795870801813 implements MigrationInterface {
    name = 'ManifestPermitChecks1795870801813'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE TABLE "manifest_permit_checks" (
                "id" bigint GENERATED ALWAYS AS IDENTITY NOT NULL,
                "manifest_id" uuid NOT NULL,
                "organisation_id" uuid NOT NULL,
                "party_role" character varying(10) NOT NULL,
                "step" character varying(10) NOT NULL,
                "checked_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL,
                "waste_code" character varying(16) NOT NULL,
                "outcome" character varying(30) NOT NULL,
                "permit_id" uuid,
                CONSTRAINT "PK_2573dd97ab88614085fb554a06a" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_manifest_permit_checks_manifest" ON "manifest_permit_checks" ("manifest_id", "organisation_id", "step")
        `);
        await queryRunner.query(`
            ALTER TABLE "manifest_permit_checks"
            ADD CONSTRAINT "fk_manifest_permit_checks_manifest" FOREIGN KEY ("manifest_id") REFERENCES "manifests"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            ALTER TABLE "manifest_permit_checks" DROP CONSTRAINT "fk_manifest_permit_checks_manifest"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_manifest_permit_checks_manifest"
        `);
        await queryRunner.query(`
            DROP TABLE "manifest_permit_checks"
        `);
    }

}
