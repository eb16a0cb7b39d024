import { join } from 'node:path';
import type { DataSourceOptions } from 'typeorm';
import { SnakeNamingStrategy } from './snake-naming.strategy';

/** One definition of the connection for the app, the migration CLI and the tests. */
export function dataSourceOptions(databaseUrl: string, poolSize = 20): DataSourceOptions {
  return {
    type: 'postgres',
    url: databaseUrl,
    applicationName: 'custody-ledger',
    poolSize,
    synchronize: false,
    migrationsRun: false,
    uuidExtension: 'pgcrypto',
    installExtensions: false,
    namingStrategy: new SnakeNamingStrategy(),
    entities: [join(__dirname, '..', '**', '*.entity.js')],
    migrations: [join(__dirname, '..', '..', 'migrations', '*.js')],
    migrationsTableName: 'schema_migrations',
    migrationsTransactionMode: 'each',
    logging: ['error', 'migration'],
  };
}
