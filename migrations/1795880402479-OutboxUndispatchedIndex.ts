import { MigrationInterface, QueryRunner } from "typeorm";

export class OutboxUndispatchedIndex1795880402479 implements MigrationInterface {
    name = 'OutboxUndispatchedIndex1795880402479'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            CREATE INDEX "ix_outbox_messages_undispatched" ON "outbox_messages" ("id")
            WHERE dispatched_at IS NULL
                AND processed_at IS NULL
                AND failed_at IS NULL
        `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            DROP INDEX "public"."ix_outbox_messages_undispatched"
        `);
    }

}
