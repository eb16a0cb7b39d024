import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { createActor, startTestApp, type Actor, type TestApp } from '../support/test-app';

/** Any JSON value, with a bias towards objects that look almost right. */
const jsonish = fc.oneof(
  fc.jsonValue(),
  fc.dictionary(
    fc.constantFrom(
      'name',
      'roles',
      'registrationCode',
      'regionCode',
      'jurisdictionPrefix',
      'organisationId',
      'role',
      'email',
      'memberId',
      'expiresAt',
      'scopes',
      '__proto__',
      'constructor',
    ),
    fc.oneof(
      fc.string(),
      fc.integer(),
      fc.double(),
      fc.boolean(),
      fc.constant(null),
      fc.array(fc.string()),
      fc.jsonValue(),
    ),
  ),
);

describe('malformed bodies never cause a 5xx', () => {
  let t: TestApp;
  let admin: Actor;
  before(async () => {
    t = await startTestApp();
    admin = await createActor(t, { roles: ['GENERATOR'] });
  });
  after(() => t.close());

  for (const path of ['/v1/organisations', '/v1/members', '/v1/api-keys']) {
    it(`POST ${path}`, async () => {
      await fc.assert(
        fc.asyncProperty(jsonish, fc.boolean(), async (body, asPlatformAdmin) => {
          const res = await t
            .http()
            .post(path)
            .set(asPlatformAdmin ? t.admin : admin.auth)
            .set('Content-Type', 'application/json')
            .send(JSON.stringify(body));
          assert.ok(res.status < 500, `${res.status} for ${JSON.stringify(body)}: ${JSON.stringify(res.body)}`);
          assert.match(String(res.headers['content-type']), /json/);
        }),
        { numRuns: 150 },
      );
    });
  }

  it('raw garbage and wrong content types', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string(),
        fc.constantFrom('application/json', 'text/plain', 'application/x-www-form-urlencoded'),
        async (raw, type) => {
          const res = await t.http().post('/v1/organisations').set(t.admin).set('Content-Type', type).send(raw);
          assert.ok(res.status < 500, `${res.status} for ${type} ${JSON.stringify(raw)}`);
        },
      ),
      { numRuns: 100 },
    );
  });
});
