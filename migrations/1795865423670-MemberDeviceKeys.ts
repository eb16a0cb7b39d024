import { MigrationInterface, QueryRunner } from "typeorm";

export class MemberDeviceKeys1795865423670 implements MigrationInterface {
    name = 'MemberDeviceKeys1795865423670'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE TABLE "member_device_keys" (
                "id" uuid NOT NULL DEFAULT gen_random_uuid(),
                "member_id" uuid NOT NULL,
                "label" character varying(200) NOT NULL,
                "public_key" character varying(43) NOT NULL,
                "revoked_at" TIMESTAMP WITH TIME ZONE,
                "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
                "created_by" character varying(80) NOT NULL,
                CONSTRAINT "PK_6a6b63585f5a31995438b048698" PRIMARY KEY ("id")
            )
        `);
        await queryRunner.query(`
            CREATE INDEX "ix_member_device_keys_member_id" ON "member_device_keys" ("member_id")
        `);
        await queryRunner.query(`
            CREATE UNIQUE INDEX "uq_member_device_keys_public_key" ON "member_device_keys" ("public_key")
        `);
        await queryRunner.query(`
            ALTER TABLE "member_device_keys"
            ADD CONSTRAINT "fk_member_device_keys_member" FOREIGN KEY ("member_id") REFERENCES "members"("id") ON DELETE RESTRICT ON UPDATE NO ACTION
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            ALTER TABLE "member_device_keys" DROP CONSTRAINT "fk_member_device_keys_member"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."uq_member_device_keys_public_key"
        `);
        await queryRunner.query(`
            DROP INDEX "public"."ix_member_device_keys_member_id"
        `);
        await queryRunner.query(`
            DROP TABLE "member_device_keys"
        `);
    }

}
