import { MigrationInterface, QueryRunner } from "typeorm";

export class CatalogueSchema1795865104252 implements MigrationInterface {
    name = 'CatalogueSchema1795865104252'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE TABLE "catalogue_editions" (
                "id" character varying(40) NOT NULL,
                "scheme" character varying(20) NOT NULL,
                "name" character varying(200) NOT NULL,
                "effective_from" date NOT NULL,
                "effective_to" date,
                "source" text NOT NULL,
                CONSTRAINT "PK_eb109b387b8b2e9a36b933c4879" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE TABLE "medical_waste_classes" (
                "edition_id" character varying(40) NOT NULL,
                "class_code" character varying(20) NOT NULL,
                "name_zh" character varying(100) NOT NULL,
                "name_en" character varying(100) NOT NULL,
                "hw_code" character varying(16) NOT NULL,
                "examples_zh" text NOT NULL,
                CONSTRAINT "PK_ebc81af6b1138066346cc16888c" PRIMARY KEY ("edition_id", "class_code")
            )
        `);
        await queryRunner.query(`
            CREATE TABLE "waste_categories" (
                "edition_id" character varying(40) NOT NULL,
                "category" character varying(8) NOT NULL,
                "name_zh" character varying(200) NOT NULL,
                "name_en" character varying(200) NOT NULL,
                CONSTRAINT "PK_b95fa10341ed3b1ded2fafbfb75" PRIMARY KEY ("edition_id", "category")
            )
        `);
        await queryRunner.query(`
            CREATE TABLE "waste_codes" (
                "edition_id" character varying(40) NOT NULL,
                "code" character varying(16) NOT NULL,
                "category" character varying(8) NOT NULL,
                "industry_source_zh" character varying(200) NOT NULL,
                "description_zh" text NOT NULL,
                "hazard_raw" character varying(20) NOT NULL,
                "hazard_mode" character varying(40) NOT NULL,
                "hazard_listed" text array NOT NULL,
                "hazard_certain" text array NOT NULL,
                "medical_class" character varying(20),
                CONSTRAINT "PK_8349c250b013e9544b6bb907f3e" PRIMARY KEY ("edition_id", "code")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_waste_codes_code" ON "waste_codes" ("code")
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_waste_codes_edition_category" ON "waste_codes" ("edition_id", "category")
        `);
        await queryRunner.query(`
            ALTER TABLE "medical_waste_classes"
            ADD CONSTRAINT "fk_medical_waste_classes_edition" FOREIGN KEY ("edition_id") REFERENCES "catalogue_editions"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "waste_categories"
            ADD CONSTRAINT "fk_waste_categories_edition" FOREIGN KEY ("edition_id") REFERENCES "catalogue_editions"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
        await queryRunner.query(`
            ALTER TABLE "waste_codes"
            ADD CONSTRAINT "fk_waste_codes_edition" FOREIGN KEY ("edition_id") REFERENCES "catalogue_editions"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            ALTER TABLE "waste_codes" DROP CONSTRAINT "fk_waste_codes_edition"
        `);
        await queryRunner.query(`
            ALTER TABLE "waste_categories" DROP CONSTRAINT "fk_waste_categories_edition"
        `);
        await queryRunner.query(`
            ALTER TABLE "medical_waste_classes" DROP CONSTRAINT "fk_medical_waste_classes_edition"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_waste_codes_edition_category"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_waste_codes_code"
        `);
        await queryRunner.query(`
            DROP TABLE "waste_codes"
        `);
        await queryRunner.query(`
            DROP TABLE "waste_categories"
        `);
        await queryRunner.query(`
            DROP TABLE "medical_waste_classes"
        `);
        await queryRunner.query(`
            DROP TABLE "catalogue_editions"
        `);
    }

}
