import type { Pool } from 'pg';
import type { DataSource } from 'typeorm';

/**
 * The `pg` pool under TypeORM's PostgreSQL driver (its `master`), for what TypeORM does not
 * offer: named prepared statements, COPY, connection listeners. Undefined for any other driver.
 */
export function pgPool(dataSource: DataSource | undefined): Pool | undefined {
  return (dataSource?.driver as { master?: Pool } | undefined)?.master;
}
