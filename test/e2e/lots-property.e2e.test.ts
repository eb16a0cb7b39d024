import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { createLot, lotBody, now } from '../support/lots';
import { createActor, startTestApp, type Actor, type TestApp } from '../support/test-app';

/** JSON values, with strings that include lone surrogates, U+0000 and other controls. */
const json = fc.jsonValue({ maxDepth: 3, stringUnit: 'binary' });
const weird = fc.oneof(
  json,
  fc.constantFrom(
    '\ud800',
    'a\u0000b',
    '',
    ' ',
    '1e309',
    '-0',
    '12.3456789',
    '９',
    'NaN',
    '2024-02-30T00:00:00Z',
    '275760-09-13T00:00:00Z',
    '0000-01-01T00:00:00Z',
    'x'.repeat(5000),
  ),
  fc.constantFrom(1e308, -1, 0, 2 ** 53 + 1, 0.1, null, true, [], {}),
);

type Json = Record<string, unknown>;

/** A valid body with one member (possibly nested) replaced, removed, or a member added. */
function mutated(valid: () => Json): fc.Arbitrary<unknown> {
  const keysOf = (o: Json, prefix: string[] = []): string[][] =>
    Object.entries(o).flatMap(([k, v]) =>
      v && typeof v === 'object' && !Array.isArray(v)
        ? [[...prefix, k], ...keysOf(v as Json, [...prefix, k])]
        : [[...prefix, k]],
    );
  const paths = keysOf(valid());
  return fc
    .tuple(fc.constantFrom(...paths), fc.constantFrom('replace', 'remove', 'add'), weird, fc.string({ unit: 'binary' }))
    .map(([path, op, value, key]) => {
      const body = structuredClone(valid());
      let target: Json = body;
      for (const k of path.slice(0, -1)) target = target[k] as Json;
      const last = path[path.length - 1];
      if (op === 'replace') target[last] = value;
      else if (op === 'remove') delete target[last];
      else target[key || 'extra'] = value;
      return body;
    });
}

describe('lots API: malformed bodies never cause a 5xx (property)', () => {
  let t: TestApp;
  let gen: Actor;
  let lotId: string;

  before(async () => {
    t = await startTestApp();
    gen = await createActor(t, { roles: ['GENERATOR'] });
    lotId = (await createLot(t, gen)).id;
  });
  after(() => t.close());

  const eventBodies: Array<() => Json> = [
    () => ({ type: 'STORED', occurredAt: now(), handlerName: 'x', location: { code: 'A', type: 'WAREHOUSE' } }),
    () => ({ type: 'RETRIEVED', occurredAt: now(), handlerName: 'x', destination: 'y' }),
    () => ({ type: 'PACKAGED', occurredAt: now(), handlerName: 'x', packagingType: 'DRUM', containerCount: 2 }),
    () => ({
      type: 'RELABELLED',
      occurredAt: now(),
      handlerName: 'x',
      labelCode: '91371502MA3C4KXU189000414920240601001',
    }),
    () => ({ type: 'TREATED', occurredAt: now(), handlerName: 'x', operationCode: 'R4', result: 'ok' }),
    () => ({ type: 'DISPOSED', occurredAt: now(), handlerName: 'x', operationCode: 'D10' }),
    () => ({
      type: 'CORRECTED',
      occurredAt: now(),
      handlerName: 'x',
      corrects: { seq: 1 },
      reason: 'r',
      changes: [{ field: 'handlerName', value: 'y' }],
      quantity: { value: '1.5', unit: 'kg' },
    }),
  ];

  const check = async (path: string, body: unknown, key?: string) => {
    let req = t.http().post(path).set(gen.auth);
    if (key) req = req.set('Idempotency-Key', key);
    // Sent as JSON text, so that top-level primitives reach the server too.
    const res = await req.set('Content-Type', 'application/json').send(JSON.stringify(body) ?? 'null');
    assert.ok(res.status < 500, `${res.status} for ${JSON.stringify(body)}: ${JSON.stringify(res.body)}`);
    if (res.status >= 400) assert.match(res.headers['content-type'], /application\/problem\+json/);
  };

  it('POST /v1/lots', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof({ weight: 1, arbitrary: json }, { weight: 4, arbitrary: mutated(() => lotBody()) }),
        (body) => check('/v1/lots', body),
      ),
      { numRuns: 300 },
    );
  });

  it('POST /v1/lots/{id}/events', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof({ weight: 1, arbitrary: json }, ...eventBodies.map((b) => ({ weight: 1, arbitrary: mutated(b) }))),
        (body) => check(`/v1/lots/${lotId}/events`, body),
      ),
      { numRuns: 400 },
    );
  });

  it('POST /v1/lots/{id}/split and /v1/lots/merge', async () => {
    const split = () => ({
      occurredAt: now(),
      handlerName: 'x',
      parts: [{ quantity: { value: '1', unit: 'kg' } }, { quantity: { value: '11.345', unit: 'kg' } }],
    });
    const merge = () => ({
      lotIds: [lotId, '00000000-0000-4000-8000-000000000000'],
      occurredAt: now(),
      handlerName: 'x',
      packagingType: 'DRUM',
      containerCount: 1,
    });
    await fc.assert(
      fc.asyncProperty(mutated(split), (body) => check(`/v1/lots/${lotId}/split`, body)),
      { numRuns: 150 },
    );
    await fc.assert(
      fc.asyncProperty(mutated(merge), (body) => check('/v1/lots/merge', body)),
      { numRuns: 150 },
    );
  });

  it('with an Idempotency-Key too', async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(
        mutated(() => lotBody()),
        (body) => check('/v1/lots', body, `prop-${n++}`),
      ),
      { numRuns: 100 },
    );
  });
});
