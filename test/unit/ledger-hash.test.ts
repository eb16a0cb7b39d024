import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  canonicalEventJson,
  GENESIS_HASH,
  hashEventContent,
  ledgerJsonProblem,
  sealEvents,
  type EventContent,
} from '../../src/ledger/domain/event-hash';

/** The worked example of docs/ledger.md: these exact values are printed there. */
export const EXAMPLE = {
  lotId: '0b0e1ba4-6e0b-4c47-9c4e-5d0a3a1f2b7c',
  actor: { organisationId: '6f1c3c0e-2b7a-4b5e-9a61-1f0c2d3e4a5b', memberId: '7a2d4e6f-8b9c-4d1e-a2f3-b4c5d6e7f809' },
  generated: {
    type: 'GENERATED',
    occurredAt: new Date('2024-06-01T08:00:00+08:00'),
    recordedAt: new Date('2024-06-01T00:00:02.500Z'),
    payload: {
      wasteCode: '900-041-49',
      wasteCategory: 'HW49',
      catalogueEdition: 'CN-HW-2021',
      quantity: { amount: '12345', unit: 'g' },
      quantityMethod: 'WEIGHED',
      physicalForm: 'SOLID',
      packagingType: 'DRUM',
      containerCount: 1,
      labelCode: '91371502MA3C4KXU189000414920240601001',
      labelCodeIssued: false,
      mainConstituents: ['废包装桶'],
      hazardousConstituents: [],
      facilityCode: 'CS-001',
      handlerName: '张三',
    },
  },
  stored: {
    type: 'STORED',
    occurredAt: new Date('2024-06-01T10:30:00+08:00'),
    recordedAt: new Date('2024-06-01T02:30:01.000Z'),
    payload: { handlerName: '李四', location: { code: 'ZC-01', type: 'WAREHOUSE' } },
  },
  hash1: '72a599915f02bf53a8e53736451380c1ec5e6d284d6565c80882f4527f433036',
  hash2: 'c09072ed65d56dcc612c99a59032a6049cf16813485b166334ee6c6cda2804cf',
  canonical2:
    '{"actor":{"memberId":"7a2d4e6f-8b9c-4d1e-a2f3-b4c5d6e7f809","organisationId":"6f1c3c0e-2b7a-4b5e-9a61-1f0c2d3e4a5b"},' +
    '"lotId":"0b0e1ba4-6e0b-4c47-9c4e-5d0a3a1f2b7c","occurredAt":"2024-06-01T02:30:00.000Z",' +
    '"payload":{"handlerName":"李四","location":{"code":"ZC-01","type":"WAREHOUSE"}},' +
    '"prevHash":"72a599915f02bf53a8e53736451380c1ec5e6d284d6565c80882f4527f433036",' +
    '"recordedAt":"2024-06-01T02:30:01.000Z","seq":2,"type":"STORED","v":1}',
};

function exampleChain() {
  const [e1] = sealEvents(
    EXAMPLE.lotId,
    { seq: 0, hash: GENESIS_HASH },
    [EXAMPLE.generated],
    EXAMPLE.generated.recordedAt,
    EXAMPLE.actor,
  );
  const [e2] = sealEvents(
    EXAMPLE.lotId,
    { seq: 1, hash: e1.hash },
    [EXAMPLE.stored],
    EXAMPLE.stored.recordedAt,
    EXAMPLE.actor,
  );
  return [e1, e2];
}

describe('event hashing (RFC 8785 + SHA-256)', () => {
  it('the genesis value is 64 zeros', () => {
    assert.equal(GENESIS_HASH, '0'.repeat(64));
  });
  it('reproduces the worked example of docs/ledger.md, byte for byte', () => {
    const [e1, e2] = exampleChain();
    assert.equal(e1.content.prevHash, GENESIS_HASH);
    assert.equal(e1.hash, EXAMPLE.hash1);
    assert.equal(e2.content.prevHash, EXAMPLE.hash1);
    assert.equal(canonicalEventJson(e2.content), EXAMPLE.canonical2);
    assert.equal(e2.hash, EXAMPLE.hash2);
    const doc = readFileSync(join(__dirname, '..', '..', '..', 'docs', 'ledger.md'), 'utf8');
    for (const value of [EXAMPLE.hash1, EXAMPLE.hash2, EXAMPLE.canonical2]) assert.ok(doc.includes(value), value);
  });
  it('keys are sorted at every level; member order in the input does not matter', () => {
    const [, e2] = exampleChain();
    const shuffled = JSON.parse(JSON.stringify(e2.content), (_k, v: unknown) =>
      v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).reverse()) : v,
    ) as EventContent;
    assert.equal(hashEventContent(shuffled), EXAMPLE.hash2);
  });
  it('any change to any field changes the hash', () => {
    const [, e2] = exampleChain();
    const variants: Array<Partial<EventContent>> = [
      { seq: 3 },
      { lotId: '0b0e1ba4-6e0b-4c47-9c4e-5d0a3a1f2b7d' },
      { prevHash: GENESIS_HASH },
      { occurredAt: '2024-06-01T02:30:00.001Z' },
      { recordedAt: '2024-06-01T02:30:01.001Z' },
      { type: 'RETRIEVED' },
      { actor: { ...EXAMPLE.actor, memberId: null } },
      { payload: { handlerName: '李四 ', location: { code: 'ZC-01', type: 'WAREHOUSE' } } },
    ];
    for (const change of variants) assert.notEqual(hashEventContent({ ...e2.content, ...change }), EXAMPLE.hash2);
  });
  it('sealing a batch links each event to the one before', () => {
    const drafts = [EXAMPLE.stored, { ...EXAMPLE.stored, type: 'RETRIEVED' }, EXAMPLE.stored];
    const sealed = sealEvents(
      EXAMPLE.lotId,
      { seq: 1, hash: EXAMPLE.hash1 },
      drafts,
      EXAMPLE.stored.recordedAt,
      EXAMPLE.actor,
    );
    assert.deepEqual(
      sealed.map((s) => s.content.seq),
      [2, 3, 4],
    );
    assert.equal(sealed[0].hash, EXAMPLE.hash2);
    assert.equal(sealed[1].content.prevHash, sealed[0].hash);
    assert.equal(sealed[2].content.prevHash, sealed[1].hash);
  });
  it('payloads must be ledger JSON: no fractions, lone surrogates, U+0000 or non-plain objects', () => {
    assert.equal(ledgerJsonProblem({ a: [1, 'x', true, null, { b: -5 }] }), null);
    assert.match(ledgerJsonProblem({ a: 1.5 })!, /payload.a: only safe integers/);
    assert.match(ledgerJsonProblem({ a: 2 ** 53 })!, /safe integers/);
    assert.match(ledgerJsonProblem({ a: ['\ud800'] })!, /payload.a\[0\]: contains a lone surrogate/);
    assert.match(ledgerJsonProblem({ a: 'x\u0000' })!, /U\+0000/);
    assert.match(ledgerJsonProblem({ ['\udc00']: 1 })!, /lone surrogate/);
    assert.match(ledgerJsonProblem({ a: undefined })!, /undefined/);
    assert.match(ledgerJsonProblem({ a: new Date() })!, /not ledger JSON/);
    assert.equal(ledgerJsonProblem({ emoji: '🧪', cjk: '医疗废物' }), null);
    let deep: unknown = 1;
    for (let i = 0; i < 12; i++) deep = { d: deep };
    assert.match(ledgerJsonProblem(deep)!, /nested too deeply/);
  });
});
