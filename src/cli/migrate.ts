import 'reflect-metadata';
import { loadConfig } from '../config/app-config';
import { ensureDatabase, runMigrations } from '../database/prepare-database';

/** Creates the database if needed and applies pending migrations (schema and reference data). */
async function main(): Promise<void> {
  const config = loadConfig();
  if (config.DATABASE_AUTO_CREATE) await ensureDatabase(config.DATABASE_URL);
  const applied = await runMigrations(config.DATABASE_URL);
  console.log(applied.length ? `applied: ${applied.join(', ')}` : 'database is up to date');
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
