import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from '../src/config/app-config';
import { ensureDatabase } from '../src/database/prepare-database';
import { buildOpenApiDocument, createHttpApp } from '../src/http-app';

/**
 * Writes docs/openapi.json from the code. `--check` fails (exit 1) when the committed file
 * differs, which CI runs. Needs PostgreSQL and Redis reachable (the app is built, not served).
 */
export async function renderOpenApi(): Promise<string> {
  const config = { ...loadConfig(), LOG_LEVEL: 'silent' as const };
  await ensureDatabase(config.DATABASE_URL);
  const app = await createHttpApp(config, { worker: false, bufferLogs: true });
  try {
    return `${JSON.stringify(buildOpenApiDocument(app), null, 2)}\n`;
  } finally {
    await app.close();
  }
}

export const OPENAPI_PATH = join(__dirname, '..', '..', 'docs', 'openapi.json');

if (require.main === module) {
  renderOpenApi()
    .then((text) => {
      writeFileSync(OPENAPI_PATH, text);
      console.log(`wrote ${OPENAPI_PATH}`);
    })
    .catch((error: unknown) => {
      console.error(error);
      process.exit(1);
    });
}
