import { MigrationInterface, QueryRunner } from "typeorm";

export class ReconciliationBatchStartedAt1795884768602 implements MigrationInterface {
    name = 'ReconciliationBatchStartedAt1795884768602'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            ALTER TABLE "reconciliation_run_batches"
            ADD "started_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now()
        `);
        // Batches recorded before: their start is unknown; their end stands for it.
        await queryRunner.query(`UPDATE "reconciliation_run_batches" SET "started_at" = "done_at"`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`
            ALTER TABLE "reconciliation_run_batches" DROP COLUMN "started_at"
        `);
    }

}
