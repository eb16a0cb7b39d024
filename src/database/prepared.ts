import { createHash } from 'node:crypto';
import type { PoolClient, QueryResultRow } from 'pg';
import type { EntityManager } from 'typeorm';
import { pgPool } from './pg-pool';

/**
 * A statement of a hot path, run as a **named prepared statement** straight on the `pg`
 * connection under TypeORM: PostgreSQL parses and plans it once per connection instead of on
 * every call, and the TypeORM query-runner round (runner, events, logging) is skipped.
 * Measured on the append path: half the PostgreSQL CPU per statement (e.g. the append
 * statement 1.2 → 0.5 ms, the head read 0.17 → 0.07 ms).
 *
 * The name is derived from the text, so two statements can never share a name.
 */
export interface PreparedStatement {
  readonly name: string;
  readonly text: string;
}

export function prepared(text: string): PreparedStatement {
  return { name: `cl_${createHash('sha1').update(text).digest('hex').slice(0, 20)}`, text };
}

/**
 * Runs `statement` on the connection `executor` stands for: the transaction's connection when
 * it has a query runner, otherwise any connection of the pool (autocommit). An executor that is
 * not backed by TypeORM's PostgreSQL driver runs the text as an ordinary query.
 */
export async function runPrepared<T extends QueryResultRow>(
  executor: EntityManager,
  statement: PreparedStatement,
  values: unknown[],
): Promise<T[]> {
  const config = { name: statement.name, text: statement.text, values };
  const runner = executor.queryRunner;
  if (runner && !runner.isReleased) {
    const client = (await runner.connect()) as PoolClient;
    return (await client.query<T>(config)).rows;
  }
  const pool = pgPool(executor.dataSource);
  if (pool) return (await pool.query<T>(config)).rows;
  return executor.query(statement.text, values);
}
