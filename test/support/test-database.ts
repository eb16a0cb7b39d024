import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { quoteIdent, runMigrations } from '../../src/database/prepare-database';

export const SERVER_URL = process.env.TEST_DATABASE_SERVER_URL ?? 'postgres://postgres@127.0.0.1:5432';
/** Parallel checkouts sharing one server set distinct prefixes (e.g. TEST_DB_PREFIX=wt_ledger; it must not start with another prefix). */
export const PREFIX = process.env.TEST_DB_PREFIX ?? 'cl_test';
export const TEMPLATE = `${PREFIX}_template`;

export const urlOf = (name: string) => `${SERVER_URL}/${name}`;

async function withAdmin<T>(fn: (c: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: urlOf('postgres') });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/**
 * Run once before the suite: drops what earlier runs left behind and builds a migrated
 * template database that every test file copies.
 */
export async function prepareTemplate(): Promise<void> {
  await withAdmin(async (c) => {
    const { rows } = await c.query<{ datname: string }>(
      `SELECT datname FROM pg_database WHERE starts_with(datname, $1)`,
      [`${PREFIX}_`],
    );
    for (const { datname } of rows) await c.query(`DROP DATABASE IF EXISTS ${quoteIdent(datname)} WITH (FORCE)`);
    await c.query(`CREATE DATABASE ${TEMPLATE}`);
  });
  await runMigrations(urlOf(TEMPLATE));
}

/** A fresh database for one test file, copied from the migrated template. */
export async function createTestDatabase(): Promise<{ name: string; url: string; drop: () => Promise<void> }> {
  const name = `${PREFIX}_${process.pid}_${randomBytes(4).toString('hex')}`;
  await withAdmin((c) => c.query(`CREATE DATABASE ${quoteIdent(name)} TEMPLATE ${TEMPLATE}`));
  return {
    name,
    url: urlOf(name),
    drop: () =>
      withAdmin((c) => c.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`)).then(() => undefined),
  };
}
