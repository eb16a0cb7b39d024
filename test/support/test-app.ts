import 'reflect-metadata';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { randomBytes } from 'node:crypto';
import { Pool } from 'pg';
import request from 'supertest';
import { loadConfig, type AppConfig } from '../../src/config/app-config';
import { createHttpApp } from '../../src/http-app';
import { creditCode } from './fixtures';
import { createTestDatabase } from './test-database';

export const ADMIN_KEY = 'test-platform-admin-key-0123456789abcdef';

export interface TestApp {
  app: NestExpressApplication;
  config: AppConfig;
  /** Raw SQL on the test database, for asserting rows. */
  db: Pool;
  http: () => ReturnType<typeof request>;
  admin: { Authorization: string };
  close: () => Promise<void>;
}

/** The real AppModule on its own fresh database and Redis key prefix. */
export async function startTestApp(env: Record<string, string> = {}, options = { worker: false }): Promise<TestApp> {
  const database = await createTestDatabase();
  const config = loadConfig({
    DATABASE_URL: database.url,
    REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    ADMIN_API_KEY: ADMIN_KEY,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    QUEUE_PREFIX: `cltest-${randomBytes(4).toString('hex')}`,
    DATABASE_POOL_SIZE: '10',
    ...env,
  });
  const app = await createHttpApp(config, { worker: options.worker, bufferLogs: true });
  await app.init();
  const db = new Pool({ connectionString: database.url, max: 4 });
  // pool.end() resolves before its idle connections have closed; the DROP … WITH (FORCE) in close()
  // can terminate one of them meanwhile, and pg-pool re-emits that on the pool. Nothing to do then.
  db.on('error', () => undefined);
  const server = app.getHttpServer();
  return {
    app,
    config,
    db,
    http: () => request(server),
    admin: { Authorization: `Bearer ${ADMIN_KEY}` },
    close: async () => {
      await app.close();
      await db.end();
      await database.drop();
    },
  };
}

export interface Actor {
  organisationId: string;
  memberId: string;
  key: string;
  auth: { Authorization: string };
}

/** Creates an organisation with an ADMIN member (or the given role) and an API key for it. */
export async function createActor(
  t: TestApp,
  opts: { roles: string[]; region?: string; memberRole?: string; name?: string; jurisdictionPrefix?: string },
): Promise<Actor> {
  const region = opts.region ?? '371502';
  const org = await t
    .http()
    .post('/v1/organisations')
    .set(t.admin)
    .send({
      name: opts.name ?? `Org ${randomBytes(3).toString('hex')}`,
      roles: opts.roles,
      registrationCode: creditCode(region),
      regionCode: region,
      ...(opts.jurisdictionPrefix ? { jurisdictionPrefix: opts.jurisdictionPrefix } : {}),
    })
    .expect(201);
  return addMember(t, org.body.id as string, opts.memberRole ?? 'ADMIN');
}

export async function addMember(t: TestApp, organisationId: string, role: string): Promise<Actor> {
  const member = await t
    .http()
    .post('/v1/members')
    .set(t.admin)
    .send({ organisationId, name: `${role} member`, role })
    .expect(201);
  const key = await t
    .http()
    .post('/v1/api-keys')
    .set(t.admin)
    .send({ memberId: member.body.id, name: 'test key' })
    .expect(201);
  return {
    organisationId,
    memberId: member.body.id,
    key: key.body.token,
    auth: { Authorization: `Bearer ${key.body.token}` },
  };
}
