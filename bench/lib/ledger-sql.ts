import type { Pool, PoolClient } from 'pg';
import type { DataSource, EntityManager } from 'typeorm';
import { LedgerRepository } from '../../src/ledger/ledger.repository';

/**
 * The service's own ledger SQL (`LedgerRepository`), run on a bare `pg` connection: the
 * baselines that measure "the same SQL without the HTTP stack" use exactly the statements the
 * service runs, not a copy of them.
 */
export function ledgerSql(db: Pool | PoolClient): { repository: LedgerRepository; executor: EntityManager } {
  const executor = {
    query: async (sql: string, params?: unknown[]) => (await db.query(sql, params)).rows,
  } as unknown as EntityManager;
  const dataSource = { manager: executor } as unknown as DataSource;
  return { repository: new LedgerRepository(dataSource), executor };
}
