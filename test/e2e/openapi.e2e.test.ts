import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { buildOpenApiDocument } from '../../src/http-app';
import { OPENAPI_PATH } from '../../scripts/generate-openapi';
import { startTestApp, type TestApp } from '../support/test-app';

describe('OpenAPI document', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(() => t.close());

  it('the committed docs/openapi.json matches the code (run `npm run openapi`)', () => {
    const generated = `${JSON.stringify(buildOpenApiDocument(t.app), null, 2)}\n`;
    assert.equal(readFileSync(OPENAPI_PATH, 'utf8'), generated);
  });

  it('is served at /docs-json', async () => {
    const res = await t.http().get('/docs-json').expect(200);
    assert.equal(res.body.info.title, 'Custody Ledger API');
    assert.ok(res.body.paths['/v1/organisations']);
  });
});
