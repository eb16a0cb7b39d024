import 'reflect-metadata';
import { ConfigError, loadConfig } from './config/app-config';
import { ensureDatabase, runMigrations } from './database/prepare-database';
import { createHttpApp } from './http-app';

/** The HTTP API; with PROCESS_ROLE=all (the default) it also runs the job worker. */
async function main(): Promise<void> {
  const config = loadConfig();
  if (config.DATABASE_AUTO_CREATE) await ensureDatabase(config.DATABASE_URL);
  if (config.MIGRATIONS_RUN) await runMigrations(config.DATABASE_URL);
  const app = await createHttpApp(config, { worker: config.PROCESS_ROLE !== 'api' });
  await app.listen(config.PORT);
  console.log(
    `custody-ledger listening on http://localhost:${config.PORT} (docs at /docs, role ${config.PROCESS_ROLE})`,
  );
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
