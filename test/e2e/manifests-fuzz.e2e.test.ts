import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { district, draft, type District } from '../support/manifests';
import { startTestApp, type TestApp } from '../support/test-app';

const almost = fc.dictionary(
  fc.constantFrom(
    'consigneeId',
    'carriers',
    'lines',
    'plannedDate',
    'plannedOperation',
    'transportMode',
    'emergencyMeasures',
    'linkedManifestId',
    'linkKind',
    'occurredAt',
    'location',
    'signature',
    'reason',
    'lineNo',
    'received',
    'decision',
    'accepted',
    'treated',
    'operationCode',
  ),
  fc.oneof(
    fc.string(),
    fc.integer(),
    fc.constant(null),
    fc.uuid(),
    fc.array(
      fc.dictionary(
        fc.constantFrom(
          'lotId',
          'declared',
          'organisationId',
          'vehiclePlate',
          'lineNo',
          'received',
          'decision',
          'value',
          'unit',
        ),
        fc.jsonValue(),
      ),
      { maxLength: 3 },
    ),
    fc.jsonValue(),
  ),
);

describe('manifest endpoints never answer 5xx to malformed bodies', () => {
  let t: TestApp;
  let d: District;
  let id: string;
  before(async () => {
    t = await startTestApp();
    d = await district(t);
    id = (await draft(t, d)).manifest.id;
  });
  after(() => t.close());

  for (const [path, who] of [
    ['/v1/manifests', 'generator'],
    ['submit', 'generator'],
    ['pickup', 'carrier1'],
    ['receive', 'treater'],
    ['complete', 'treater'],
    ['cancel', 'generator'],
  ] as const) {
    it(`POST ${path}`, async () => {
      await fc.assert(
        fc.asyncProperty(fc.oneof(almost, fc.jsonValue()), async (body) => {
          const url = path.startsWith('/') ? path : `/v1/manifests/${id}/${path}`;
          const res = await t
            .http()
            .post(url)
            .set(d[who].auth)
            .set('Content-Type', 'application/json')
            .send(JSON.stringify(body));
          assert.ok(res.status < 500, `${res.status} for ${JSON.stringify(body)}: ${JSON.stringify(res.body)}`);
        }),
        { numRuns: 120 },
      );
    });
  }
});
