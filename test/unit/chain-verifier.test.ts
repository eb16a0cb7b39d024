import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { verifyChain, type StoredEvent } from '../../src/ledger/domain/chain-verifier';
import { GENESIS_HASH, sealEvents } from '../../src/ledger/domain/event-hash';

const LOT = '11111111-2222-4333-8444-555555555555';
const ACTOR = { organisationId: '66666666-7777-4888-8999-aaaaaaaaaaaa', memberId: null };

function chain(n: number): StoredEvent[] {
  const t0 = Date.parse('2024-06-01T00:00:00.000Z');
  const drafts = Array.from({ length: n }, (_, i) => ({
    type: i === 0 ? 'GENERATED' : i % 2 ? 'STORED' : 'RETRIEVED',
    occurredAt: new Date(t0 + i * 60_000),
    payload: { handlerName: `handler ${i}`, n: i },
  }));
  return sealEvents(LOT, { seq: 0, hash: GENESIS_HASH }, drafts, new Date(t0 + 1000), ACTOR).map((s) => ({
    lotId: s.content.lotId,
    seq: s.content.seq,
    format: s.content.v,
    type: s.content.type,
    occurredAt: s.content.occurredAt,
    recordedAt: s.content.recordedAt,
    actor: s.content.actor,
    payload: s.content.payload,
    prevHash: s.content.prevHash,
    hash: s.hash,
  }));
}

const headOf = (events: StoredEvent[]) => ({ seq: events.length, hash: events[events.length - 1].hash });

describe('chain verification', () => {
  it('an intact chain verifies', () => {
    const events = chain(50);
    const verdict = verifyChain(LOT, events, headOf(events));
    assert.deepEqual(verdict, { ok: true, eventsChecked: 50, headSeq: 50, headHash: events[49].hash });
  });
  it('an altered payload is caught at its seq (hash-mismatch)', () => {
    const events = chain(50);
    const head = headOf(events);
    events[29] = { ...events[29], payload: { ...events[29].payload, n: 999 } };
    assert.deepEqual(
      [verifyChain(LOT, events, head)].map((v) => !v.ok && [v.firstBadSeq, v.fault, v.eventsChecked]),
      [[30, 'hash-mismatch', 29]],
    );
  });
  it('an altered time, type or actor is caught too', () => {
    for (const change of [
      { occurredAt: '2024-06-01T00:00:00.001Z' },
      { recordedAt: '2030-01-01T00:00:00.000Z' },
      { type: 'DISPOSED' },
      { actor: { organisationId: ACTOR.organisationId, memberId: ACTOR.organisationId } },
    ]) {
      const events = chain(10);
      const head = headOf(events);
      events[4] = { ...events[4], ...change };
      const verdict = verifyChain(LOT, events, head);
      assert.ok(!verdict.ok && verdict.firstBadSeq === 5 && verdict.fault === 'hash-mismatch', JSON.stringify(change));
    }
  });
  it('a re-hashed event breaks the link of the next one', () => {
    const events = chain(10);
    const head = headOf(events);
    events[4] = { ...events[4], hash: 'f'.repeat(64) };
    const verdict = verifyChain(LOT, events, head);
    assert.ok(!verdict.ok);
    assert.equal(verdict.firstBadSeq, 5);
    assert.equal(verdict.fault, 'hash-mismatch');
  });
  it('a wrong prevHash is a broken link', () => {
    const events = chain(10);
    const head = headOf(events);
    events[6] = { ...events[6], prevHash: events[4].hash };
    const verdict = verifyChain(LOT, events, head);
    assert.ok(!verdict.ok && verdict.firstBadSeq === 7 && verdict.fault === 'broken-link');
  });
  it('a removed event is reported missing at its seq', () => {
    const events = chain(10);
    const head = headOf(events);
    events.splice(3, 1);
    const verdict = verifyChain(LOT, events, head);
    assert.ok(!verdict.ok && verdict.firstBadSeq === 4 && verdict.fault === 'missing-event');
  });
  it('a removed tail is caught against the lot head', () => {
    const events = chain(10);
    const head = headOf(events);
    const verdict = verifyChain(LOT, events.slice(0, 8), head);
    assert.ok(!verdict.ok && verdict.firstBadSeq === 9 && verdict.fault === 'missing-event');
  });
  it('a head that does not match the last event is reported', () => {
    const events = chain(10);
    const bad = verifyChain(LOT, events, { seq: 10, hash: 'a'.repeat(64) });
    assert.ok(!bad.ok && bad.firstBadSeq === 10 && bad.fault === 'head-mismatch');
    const short = verifyChain(LOT, events, { seq: 9, hash: events[8].hash });
    assert.ok(!short.ok && short.firstBadSeq === 10 && short.fault === 'head-mismatch');
  });
  it('no events at all, a foreign event, an unknown encoding, a genesis type later', () => {
    const empty = verifyChain(LOT, [], { seq: 1, hash: GENESIS_HASH });
    assert.ok(!empty.ok && empty.fault === 'empty-chain' && empty.firstBadSeq === 1);
    const events = chain(5);
    const foreign = verifyChain(LOT, [events[0], { ...events[1], lotId: ACTOR.organisationId }], headOf(events));
    assert.ok(!foreign.ok && foreign.fault === 'unexpected-event' && foreign.firstBadSeq === 2);
    const format = verifyChain(LOT, [{ ...events[0], format: 2 }], headOf(events));
    assert.ok(!format.ok && format.fault === 'unknown-format');
    const genesis = verifyChain(LOT, [events[0], { ...events[1], type: 'GENERATED' }], headOf(events));
    assert.ok(!genesis.ok && genesis.fault === 'invalid-genesis' && genesis.firstBadSeq === 2);
  });
});
