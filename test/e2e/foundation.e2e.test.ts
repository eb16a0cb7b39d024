import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../../src/database/data-source-options';
import { creditCode } from '../support/fixtures';
import { addMember, createActor, startTestApp, type Actor, type TestApp } from '../support/test-app';

const PROBLEM = /application\/problem\+json/;

describe('service foundation', () => {
  let t: TestApp;
  let generator: Actor;
  let other: Actor;

  before(async () => {
    t = await startTestApp();
    generator = await createActor(t, { roles: ['GENERATOR'], region: '371502' });
    other = await createActor(t, { roles: ['GENERATOR'], region: '110105' });
  });
  after(() => t.close());

  describe('health', () => {
    it('live needs no credentials and checks nothing', async () => {
      const res = await t.http().get('/health/live').expect(200);
      assert.equal(res.body.status, 'ok');
    });
    it('ready reports postgres and redis up', async () => {
      const res = await t.http().get('/health/ready').expect(200);
      assert.equal(res.body.info.postgres.status, 'up');
      assert.equal(res.body.info.redis.status, 'up');
    });
  });

  describe('authentication', () => {
    it('401 problem without a key, with the correlation id echoed', async () => {
      const res = await t.http().get('/v1/me').set('X-Request-Id', 'req-abc-123').expect(401);
      assert.match(res.headers['content-type'], PROBLEM);
      assert.equal(res.headers['x-request-id'], 'req-abc-123');
      assert.equal(res.body.code, 'unauthenticated');
      assert.equal(res.body.correlationId, 'req-abc-123');
      assert.equal(res.body.type, 'urn:custody-ledger:problem:unauthenticated');
    });
    it('401 with a malformed or unknown key', async () => {
      await t.http().get('/v1/me').set('Authorization', 'Bearer nope').expect(401);
      const unknown = 'cl_0123456789abcdef_' + 'A'.repeat(43);
      const res = await t.http().get('/v1/me').set('Authorization', `Bearer ${unknown}`).expect(401);
      assert.equal(res.body.code, 'invalid-credential');
    });
    it('a generated correlation id when none is given', async () => {
      const res = await t.http().get('/v1/me').expect(401);
      assert.match(res.headers['x-request-id'], /^[0-9a-f-]{36}$/);
      assert.equal(res.body.correlationId, res.headers['x-request-id']);
    });
    it('me tells who the key acts as', async () => {
      const res = await t.http().get('/v1/me').set(generator.auth).expect(200);
      assert.equal(res.body.memberId, generator.memberId);
      assert.equal(res.body.organisationId, generator.organisationId);
      assert.deepEqual(res.body.organisationRoles, ['GENERATOR']);
    });
    it('a revoked key fails on the very next request', async () => {
      const actor = await addMember(t, generator.organisationId, 'OPERATOR');
      await t.http().get('/v1/me').set(actor.auth).expect(200);
      const keys = await t.http().get(`/v1/api-keys?memberId=${actor.memberId}`).set(generator.auth).expect(200);
      assert.equal(keys.body.items.length, 1);
      const revoked = await t
        .http()
        .post(`/v1/api-keys/${keys.body.items[0].id}/revoke`)
        .set(generator.auth)
        .expect(200);
      assert.ok(revoked.body.revokedAt);
      const res = await t.http().get('/v1/me').set(actor.auth).expect(401);
      assert.equal(res.body.code, 'invalid-credential');
      const row = await t.db.query('SELECT revoked_by FROM api_keys WHERE id = $1', [keys.body.items[0].id]);
      assert.equal(row.rows[0].revoked_by, `member:${generator.memberId}`);
    });
    it('an expired key is refused', async () => {
      const actor = await addMember(t, generator.organisationId, 'OPERATOR');
      await t.db.query(`UPDATE api_keys SET expires_at = now() - interval '1 second' WHERE member_id = $1`, [
        actor.memberId,
      ]);
      await t.http().get('/v1/me').set(actor.auth).expect(401);
    });
    it('a disabled member’s keys stop working', async () => {
      const actor = await addMember(t, generator.organisationId, 'DRIVER');
      await t.http().get('/v1/me').set(actor.auth).expect(200);
      await t.http().post(`/v1/members/${actor.memberId}/disable`).set(generator.auth).expect(200);
      await t.http().get('/v1/me').set(actor.auth).expect(401);
    });
    it('a read-only key cannot write', async () => {
      const member = await t
        .http()
        .post('/v1/members')
        .set(generator.auth)
        .send({ name: 'auditor', role: 'ADMIN' })
        .expect(201);
      const key = await t
        .http()
        .post('/v1/api-keys')
        .set(generator.auth)
        .send({ memberId: member.body.id, name: 'ro', scopes: ['read'] })
        .expect(201);
      const auth = { Authorization: `Bearer ${key.body.token}` };
      await t.http().get('/v1/members').set(auth).expect(200);
      const res = await t.http().post('/v1/members').set(auth).send({ name: 'x', role: 'DRIVER' }).expect(403);
      assert.equal(res.body.code, 'insufficient-scope');
    });
  });

  describe('organisations', () => {
    it('the platform admin registers one; the row is stored with its actor', async () => {
      const code = creditCode('440305');
      const res = await t
        .http()
        .post('/v1/organisations')
        .set(t.admin)
        .send({ name: '深圳某处置中心', roles: ['TREATER'], registrationCode: code, regionCode: '440305' })
        .expect(201);
      assert.equal(res.body.regionName, '南山区');
      const row = await t.db.query('SELECT * FROM organisations WHERE id = $1', [res.body.id]);
      assert.equal(row.rows[0].registration_code, code);
      assert.equal(row.rows[0].created_by, 'platform-admin:env');
    });
    it('a regulator gets its jurisdiction from its division', async () => {
      const res = await t
        .http()
        .post('/v1/organisations')
        .set(t.admin)
        .send({
          name: '聊城市生态环境局',
          roles: ['REGULATOR'],
          registrationCode: creditCode('371500'),
          regionCode: '371500',
        })
        .expect(201);
      assert.equal(res.body.jurisdictionPrefix, '3715');
    });
    it('400 for a bad credit code check character, naming the field', async () => {
      const code = creditCode();
      const bad = code.slice(0, 17) + (code[17] === '0' ? '1' : '0');
      const res = await t
        .http()
        .post('/v1/organisations')
        .set(t.admin)
        .send({ name: 'x', roles: ['GENERATOR'], registrationCode: bad, regionCode: '371502' })
        .expect(400);
      assert.match(res.headers['content-type'], PROBLEM);
      assert.equal(res.body.errors[0].field, 'registrationCode');
    });
    it('400 for an unknown region code', async () => {
      const res = await t
        .http()
        .post('/v1/organisations')
        .set(t.admin)
        .send({ name: 'x', roles: ['GENERATOR'], registrationCode: creditCode(), regionCode: '999999' })
        .expect(400);
      assert.equal(res.body.errors[0].field, 'regionCode');
    });
    it('400 for unknown fields and wrong types, with per-field errors', async () => {
      const res = await t
        .http()
        .post('/v1/organisations')
        .set(t.admin)
        .send({ name: 5, roles: ['PIRATE'], registrationCode: creditCode(), regionCode: '371502', isAdmin: true })
        .expect(400);
      const fields = (res.body.errors as Array<{ field: string }>).map((e) => e.field);
      assert.ok(fields.includes('isAdmin'));
      assert.ok(fields.includes('name'));
      assert.ok(fields.includes('roles'));
      assert.equal(res.body.code, 'validation-failed');
    });
    it('400 for malformed JSON', async () => {
      const res = await t
        .http()
        .post('/v1/organisations')
        .set(t.admin)
        .set('Content-Type', 'application/json')
        .send('{"name":')
        .expect(400);
      assert.equal(res.body.code, 'malformed-json');
    });
    it('409 for a duplicate registration code, and the first row is unchanged', async () => {
      const code = creditCode();
      const body = { name: 'first', roles: ['GENERATOR'], registrationCode: code, regionCode: '371502' };
      await t.http().post('/v1/organisations').set(t.admin).send(body).expect(201);
      const res = await t
        .http()
        .post('/v1/organisations')
        .set(t.admin)
        .send({ ...body, name: 'second' })
        .expect(409);
      assert.equal(res.body.code, 'organisation-exists');
      const rows = await t.db.query('SELECT name FROM organisations WHERE registration_code = $1', [code]);
      assert.deepEqual(rows.rows, [{ name: 'first' }]);
    });
    it('403 for a member creating an organisation', async () => {
      const res = await t
        .http()
        .post('/v1/organisations')
        .set(generator.auth)
        .send({ name: 'x', roles: ['GENERATOR'], registrationCode: creditCode(), regionCode: '371502' })
        .expect(403);
      assert.equal(res.body.code, 'forbidden');
    });
    it('a generator sees itself but not another generator (404, no leak)', async () => {
      await t.http().get(`/v1/organisations/${generator.organisationId}`).set(generator.auth).expect(200);
      const res = await t.http().get(`/v1/organisations/${other.organisationId}`).set(generator.auth).expect(404);
      assert.equal(res.body.code, 'not-found');
      const list = await t.http().get('/v1/organisations?limit=200').set(generator.auth).expect(200);
      const ids = (list.body.items as Array<{ id: string }>).map((o) => o.id);
      assert.ok(ids.includes(generator.organisationId));
      assert.ok(!ids.includes(other.organisationId));
    });
    it('a regulator sees generators in its jurisdiction and not outside it', async () => {
      const regulator = await createActor(t, { roles: ['REGULATOR'], region: '371500' });
      await t.http().get(`/v1/organisations/${generator.organisationId}`).set(regulator.auth).expect(200);
      await t.http().get(`/v1/organisations/${other.organisationId}`).set(regulator.auth).expect(404);
    });
    it('cursor pagination walks every row once', async () => {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const q: string = cursor ? `?limit=2&cursor=${cursor}` : '?limit=2';
        const page = await t.http().get(`/v1/organisations${q}`).set(t.admin).expect(200);
        seen.push(...(page.body.items as Array<{ id: string }>).map((o) => o.id));
        cursor = page.body.nextCursor;
      } while (cursor);
      const total = await t.db.query('SELECT count(*)::int AS n FROM organisations');
      assert.equal(seen.length, total.rows[0].n);
      assert.equal(new Set(seen).size, seen.length);
    });
    it('400 for a forged cursor', async () => {
      const res = await t.http().get('/v1/organisations?cursor=notacursor').set(t.admin).expect(400);
      assert.equal(res.body.errors[0].field, 'cursor');
      const forged = Buffer.from(JSON.stringify(['yesterday', 'not-a-uuid'])).toString('base64url');
      for (const path of ['/v1/organisations', '/v1/members', '/v1/api-keys']) {
        await t.http().get(`${path}?cursor=${forged}`).set(t.admin).expect(400);
      }
    });
  });

  describe('members and api keys', () => {
    it('an organisation admin adds a member to its own organisation', async () => {
      const res = await t
        .http()
        .post('/v1/members')
        .set(generator.auth)
        .send({ name: '李四', role: 'DRIVER' })
        .expect(201);
      assert.equal(res.body.organisationId, generator.organisationId);
      const row = await t.db.query('SELECT role, created_by FROM members WHERE id = $1', [res.body.id]);
      assert.deepEqual(row.rows[0], { role: 'DRIVER', created_by: `member:${generator.memberId}` });
    });
    it('404 when an admin targets another organisation', async () => {
      await t
        .http()
        .post('/v1/members')
        .set(generator.auth)
        .send({ organisationId: other.organisationId, name: 'x', role: 'DRIVER' })
        .expect(404);
      await t.http().get(`/v1/members/${other.memberId}`).set(generator.auth).expect(404);
      await t
        .http()
        .post('/v1/api-keys')
        .set(generator.auth)
        .send({ memberId: other.memberId, name: 'steal' })
        .expect(404);
    });
    it('403 for a non-admin member', async () => {
      const driver = await addMember(t, generator.organisationId, 'DRIVER');
      await t.http().get('/v1/members').set(driver.auth).expect(403);
      await t.http().post('/v1/api-keys').set(driver.auth).send({ memberId: driver.memberId, name: 'x' }).expect(403);
    });
    it('the token is shown once and only its hash is stored', async () => {
      const res = await t
        .http()
        .post('/v1/api-keys')
        .set(generator.auth)
        .send({ memberId: generator.memberId, name: 'tablet' })
        .expect(201);
      assert.match(res.body.token, /^cl_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
      const listed = await t.http().get(`/v1/api-keys/${res.body.id}`).set(generator.auth).expect(200);
      assert.equal(listed.body.token, undefined);
      const row = await t.db.query('SELECT secret_hash FROM api_keys WHERE id = $1', [res.body.id]);
      assert.ok(!res.body.token.includes(row.rows[0].secret_hash));
    });
    it('400 for an expiry in the past', async () => {
      await t
        .http()
        .post('/v1/api-keys')
        .set(generator.auth)
        .send({ memberId: generator.memberId, name: 'x', expiresAt: '2020-01-01T00:00:00Z' })
        .expect(400);
    });
  });

  describe('idempotency', () => {
    it('same key and body → the stored response, once', async () => {
      const body = { name: 'idem', roles: ['TRANSPORTER'], registrationCode: creditCode(), regionCode: '371502' };
      const first = await t
        .http()
        .post('/v1/organisations')
        .set(t.admin)
        .set('Idempotency-Key', 'k-1')
        .send(body)
        .expect(201);
      const second = await t
        .http()
        .post('/v1/organisations')
        .set(t.admin)
        .set('Idempotency-Key', 'k-1')
        .send(body)
        .expect(201);
      assert.deepEqual(second.body, first.body);
      assert.equal(second.headers['idempotent-replayed'], 'true');
      const rows = await t.db.query('SELECT count(*)::int AS n FROM organisations WHERE registration_code = $1', [
        body.registrationCode,
      ]);
      assert.equal(rows.rows[0].n, 1);
    });
    it('same key, other body → 422', async () => {
      const body = { name: 'idem2', roles: ['TRANSPORTER'], registrationCode: creditCode(), regionCode: '371502' };
      await t.http().post('/v1/organisations').set(t.admin).set('Idempotency-Key', 'k-2').send(body).expect(201);
      const res = await t
        .http()
        .post('/v1/organisations')
        .set(t.admin)
        .set('Idempotency-Key', 'k-2')
        .send({ ...body, name: 'changed' })
        .expect(422);
      assert.equal(res.body.code, 'idempotency-key-reused');
    });
    it('simultaneous retries create one row', async () => {
      const body = { name: 'race', roles: ['TRANSPORTER'], registrationCode: creditCode(), regionCode: '371502' };
      const results = await Promise.all(
        Array.from({ length: 5 }, () =>
          t.http().post('/v1/organisations').set(t.admin).set('Idempotency-Key', 'k-race').send(body),
        ),
      );
      const statuses = results.map((r) => r.status).sort();
      assert.ok(
        statuses.every((s) => s === 201 || s === 409),
        statuses.join(','),
      );
      assert.ok(statuses.includes(201));
      const rows = await t.db.query('SELECT count(*)::int AS n FROM organisations WHERE registration_code = $1', [
        body.registrationCode,
      ]);
      assert.equal(rows.rows[0].n, 1);
    });
    it('a failed request releases its key so a corrected retry runs', async () => {
      const body = { name: 'bad', roles: ['TRANSPORTER'], registrationCode: creditCode(), regionCode: '999999' };
      await t.http().post('/v1/organisations').set(t.admin).set('Idempotency-Key', 'k-3').send(body).expect(400);
      const row = await t.db.query(`SELECT count(*)::int AS n FROM idempotency_keys WHERE key = 'k-3'`);
      assert.equal(row.rows[0].n, 0);
    });
    it('400 for an invalid key', async () => {
      await t.http().post('/v1/organisations').set(t.admin).set('Idempotency-Key', 'a b').send({}).expect(400);
    });
  });

  describe('contract', () => {
    it('every route declares @Public or @Allow', () => {
      const undeclared = listRoutes(t).filter((r) => !r.declared);
      assert.deepEqual(undeclared, []);
    });
    it('entities and migrations have not drifted', async () => {
      const ds = new DataSource(dataSourceOptions(t.config.DATABASE_URL, 1));
      await ds.initialize();
      try {
        const sql = await ds.driver.createSchemaBuilder().log();
        assert.deepEqual(
          sql.upQueries.map((q) => q.query),
          [],
        );
      } finally {
        await ds.destroy();
      }
    });
    it('404 problem for an unknown route', async () => {
      const res = await t.http().get('/v1/nothing-here').set(t.admin).expect(404);
      assert.match(res.headers['content-type'], PROBLEM);
    });
  });
});

describe('rate limiting', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp({ RATE_LIMIT: '3', RATE_LIMIT_WINDOW_MS: '60000' });
  });
  after(() => t.close());

  it('429 problem past the limit, per credential', async () => {
    for (let i = 0; i < 3; i++) await t.http().get('/v1/me').set(t.admin).expect(200);
    const res = await t.http().get('/v1/me').set(t.admin).expect(429);
    assert.match(res.headers['content-type'], PROBLEM);
    assert.equal(res.body.code, 'rate-limited');
  });
});

import { ACCESS_METADATA } from '../../src/common/auth/access.decorators';
import { DiscoveryService, MetadataScanner, ModulesContainer, Reflector } from '@nestjs/core';
import { PATH_METADATA } from '@nestjs/common/constants.js';

function listRoutes(t: TestApp): Array<{ route: string; declared: boolean }> {
  const discovery = new DiscoveryService(t.app.get(ModulesContainer));
  const reflector = t.app.get(Reflector);
  const scanner = new MetadataScanner();
  const routes: Array<{ route: string; declared: boolean }> = [];
  for (const wrapper of discovery.getControllers()) {
    const instance = wrapper.instance as Record<string, unknown>;
    const proto = Object.getPrototypeOf(instance) as object;
    for (const name of scanner.getAllMethodNames(proto)) {
      const handler = (proto as Record<string, unknown>)[name] as object;
      if (Reflect.getMetadata(PATH_METADATA, handler) === undefined) continue;
      const declared =
        reflector.getAllAndOverride(ACCESS_METADATA, [handler as never, wrapper.metatype as never]) !== undefined;
      routes.push({ route: `${wrapper.name}.${name}`, declared });
    }
  }
  assert.ok(routes.length > 5);
  return routes;
}
