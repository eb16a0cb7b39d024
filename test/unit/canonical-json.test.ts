import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import canonicalize from 'canonicalize';
import fc from 'fast-check';
import { canonicalJson } from '../../src/ledger/domain/canonical-json';
import { canonicalEventJson, type EventContent } from '../../src/ledger/domain/event-hash';

const outcome = (f: () => string | undefined) => {
  try {
    return { text: f() };
  } catch {
    return { error: true };
  }
};

describe('canonicalJson (the fast RFC 8785 encoder of the hot paths)', () => {
  it('writes exactly what the canonicalize package writes, for any JSON value (property)', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 5, stringUnit: 'binary' }), (value) => {
        assert.deepEqual(
          outcome(() => canonicalJson(value)),
          outcome(() => canonicalize(value)),
        );
      }),
      { numRuns: 2_000 },
    );
  });

  it('agrees on the edge cases: key order by UTF-16 code units, -0, escapes, undefined members, holes, refusals', () => {
    const cases: unknown[] = [
      { b: 1, a: 2, A: 3, é: 4, '\u{1F600}': 5, '\uFB01': 6, '': 7 },
      [-0, 1e21, 1e-7, 0.1 + 0.2, 2 ** 53 + 1, -1.5e-300],
      'tab\tnew\nline"quote\\back\u0001\u001f\u007f\u2028',
      { keep: 1, drop: undefined, fn: () => 1 },
      [undefined, () => 1, null],
      [1, , 3],
      Object.assign(Object.create(null) as object, { z: 1, y: [true, false] }),
      new Date(0),
      { nested: { toJSON: () => ({ b: 2, a: 1 }) } },
      '\ud800',
      { '\udc00': 1 },
      Number.NaN,
      Number.POSITIVE_INFINITY,
    ];
    for (const value of cases) {
      assert.deepEqual(
        outcome(() => canonicalJson(value)),
        outcome(() => canonicalize(value)),
        String(JSON.stringify(value)),
      );
    }
  });

  it('canonicalEventJson writes the content exactly as canonicalize does, and falls back for odd shapes', () => {
    const content: EventContent = {
      v: 1,
      lotId: '0b0e1ba4-6e0b-4c47-9c4e-5d0a3a1f2b7c',
      seq: 2,
      prevHash: 'a'.repeat(64),
      type: 'STORED',
      occurredAt: '2024-06-01T02:30:00.000Z',
      recordedAt: '2024-06-01T02:30:01.000Z',
      actor: { organisationId: '6f1c3c0e-2b7a-4b5e-9a61-1f0c2d3e4a5b', memberId: null },
      payload: { location: { type: 'WAREHOUSE', code: 'ZC-01' }, handlerName: '李四' },
    };
    assert.equal(canonicalEventJson(content), canonicalize(content));
    const withMember = { ...content, actor: { ...content.actor, memberId: '7a2d4e6f-8b9c-4d1e-a2f3-b4c5d6e7f809' } };
    assert.equal(canonicalEventJson(withMember), canonicalize(withMember));
    const odd = { ...content, extra: 'x' } as unknown as EventContent;
    assert.equal(canonicalEventJson(odd), canonicalize(odd));
  });
});
