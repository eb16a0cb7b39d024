import { MigrationInterface, QueryRunner } from "typeorm";

export class OutboxJobId1795882858122 implements MigrationInterface {
    name = 'OutboxJobId1795882858122'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            ALTER TABLE "outbox_messages"
            ADD "job_id" character varying(120)
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            ALTER TABLE "outbox_messages" DROP COLUMN "job_id"
        `);
    }

}
