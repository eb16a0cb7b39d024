import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module';
import { ConfigError, loadConfig } from './config/app-config';
import { ensureDatabase, runMigrations } from './database/prepare-database';

/** The job worker alone (outbox relay, BullMQ workers, schedules), for scaling out. */
async function main(): Promise<void> {
  const config = loadConfig();
  if (config.DATABASE_AUTO_CREATE) await ensureDatabase(config.DATABASE_URL);
  if (config.MIGRATIONS_RUN) await runMigrations(config.DATABASE_URL);
  const app = await NestFactory.createApplicationContext(AppModule.forRoot(config, { worker: true }), {
    bufferLogs: true,
  });
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks();
  await app.init();
  console.log('custody-ledger worker running');
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
