import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { ApiKeysService } from '../api-keys/api-keys.service';
import { AppModule } from '../app.module';
import { loadConfig } from '../config/app-config';
import { ensureDatabase, runMigrations } from '../database/prepare-database';

/**
 * Prints a new platform-administrator API key, once. Only its hash is stored; revoke it with
 * POST /v1/api-keys/{id}/revoke is not possible for platform keys, so delete-by-SQL is the
 * documented escape hatch (docs/operations in README).
 */
async function main(): Promise<void> {
  const config = { ...loadConfig(), LOG_LEVEL: 'silent' as const };
  if (config.DATABASE_AUTO_CREATE) await ensureDatabase(config.DATABASE_URL);
  await runMigrations(config.DATABASE_URL);
  const app = await NestFactory.createApplicationContext(AppModule.forRoot(config, { worker: false }), {
    logger: false,
  });
  try {
    const name = process.argv[2] ?? `platform admin key ${new Date().toISOString()}`;
    const key = await app.get(ApiKeysService).createPlatformAdminKey(name);
    console.log(`Platform administrator key (shown once, store it now):\n\n  ${key.token}\n\nid: ${key.id}`);
  } finally {
    await app.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
