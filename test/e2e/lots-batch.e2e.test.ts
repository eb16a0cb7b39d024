import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { LedgerWriter } from '../../src/ledger/ledger-writer';
import { EventType } from '../../src/ledger/domain/ledger-types';
import { createLot, now, retrievedBody, storedBody } from '../support/lots';
import { addMember, createActor, startTestApp, type Actor, type TestApp } from '../support/test-app';

const BATCH = '/v1/lots/events/batch';

const packaged = (containerCount = 2) => ({
  type: 'PACKAGED',
  occurredAt: now(),
  handlerName: '王五',
  packagingType: 'DRUM',
  containerCount,
});

describe('POST /v1/lots/events/batch', () => {
  let t: TestApp;
  let gen: Actor;
  let other: Actor;

  before(async () => {
    t = await startTestApp();
    gen = await createActor(t, { roles: ['GENERATOR'] });
    other = await createActor(t, { roles: ['GENERATOR'] });
  });
  after(() => t.close());

  const post = (auth: Record<string, string>, body: unknown, headers: Record<string, string> = {}) =>
    t
      .http()
      .post(BATCH)
      .set(auth)
      .set(headers)
      .send(body as object);

  const chain = async (lotId: string) =>
    (
      await t.db.query(
        `SELECT seq, type::text, encode(prev_hash, 'hex') AS prev, encode(hash, 'hex') AS hash
           FROM custody_events WHERE lot_id = $1 ORDER BY seq`,
        [lotId],
      )
    ).rows as Array<{ seq: number; type: string; prev: string; hash: string }>;

  describe('auth matrix', () => {
    it('401 without a key', async () => {
      const lot = await createLot(t, gen);
      await t
        .http()
        .post(BATCH)
        .send({ events: [{ lotId: lot.id, ...packaged() }] })
        .expect(401);
    });
    it('403 for a member role that may not write (AUDITOR) and for the platform administrator', async () => {
      const lot = await createLot(t, gen);
      const auditor = await addMember(t, gen.organisationId, 'AUDITOR');
      const body = { events: [{ lotId: lot.id, ...packaged() }] };
      assert.equal((await post(auditor.auth, body).expect(403)).body.code, 'forbidden');
      await post(t.admin, body).expect(403);
      assert.deepEqual(
        (await chain(lot.id)).map((e) => e.seq),
        [1],
      );
    });
    it('404 for a lot of another organisation; nothing of the batch is recorded', async () => {
      const mine = await createLot(t, gen);
      const theirs = await createLot(t, other);
      const res = await post(gen.auth, {
        events: [
          { lotId: mine.id, ...packaged() },
          { lotId: theirs.id, ...packaged() },
        ],
      }).expect(404);
      assert.equal(res.body.code, 'not-found');
      assert.equal(res.body.index, 1);
      assert.equal((await chain(mine.id)).length, 1);
      assert.equal((await chain(theirs.id)).length, 1);
      // Unknown lots look the same.
      const unknown = await post(gen.auth, {
        events: [{ lotId: '00000000-0000-4000-8000-000000000000', ...packaged() }],
      }).expect(404);
      assert.equal(unknown.body.index, 0);
    });
    it('400 for bodies that are not a batch, naming the field of the event', async () => {
      const lot = await createLot(t, gen);
      const cases: Array<[unknown, string]> = [
        [[], 'body'],
        [{}, 'events'],
        [{ events: [] }, 'events'],
        [{ events: 'x' }, 'events'],
        [{ events: Array.from({ length: 201 }, () => ({ lotId: lot.id, ...packaged() })) }, 'events'],
        [{ events: [{ lotId: lot.id, ...packaged() }], extra: 1 }, 'extra'],
        [{ events: [42] }, 'events[0]'],
        [{ events: [{ ...packaged() }] }, 'events[0].lotId'],
        [{ events: [{ lotId: 'not-a-uuid', ...packaged() }] }, 'events[0].lotId'],
        [{ events: [{ lotId: lot.id, ...packaged(), containerCount: 0 }] }, 'events[0].containerCount'],
        [
          {
            events: [
              { lotId: lot.id, ...packaged() },
              { lotId: lot.id, type: 'GENERATED', occurredAt: now(), handlerName: 'x' },
            ],
          },
          'events[1].type',
        ],
        [{ events: [{ lotId: lot.id, ...storedBody(), operationCode: 'D10' }] }, 'events[0].operationCode'],
      ];
      for (const [body, field] of cases) {
        const res = await post(gen.auth, body).expect(400);
        assert.equal(res.body.code, 'validation-failed', JSON.stringify(body).slice(0, 80));
        assert.ok(
          (res.body.errors as Array<{ field: string }>).some((e) => e.field === field),
          `${field} in ${JSON.stringify(res.body.errors)}`,
        );
      }
      const manifest = await post(gen.auth, {
        events: [{ lotId: lot.id, type: 'HANDED_OVER', occurredAt: now(), handlerName: 'x' }],
      }).expect(422);
      assert.deepEqual([manifest.body.code, manifest.body.index], ['manifest-event-type', 0]);
      assert.equal((await chain(lot.id)).length, 1);
    });
    it('403 not-custodian for a lot the caller was a party to but no longer holds; nothing recorded', async () => {
      const lot = await createLot(t, gen);
      const mine = await createLot(t, gen);
      const writer = t.app.get(LedgerWriter);
      await writer.transaction((m) =>
        writer.appendEvents(
          m,
          lot.id,
          [
            {
              type: EventType.HANDED_OVER,
              occurredAt: new Date(),
              payload: { handlerName: 'x' },
              effects: { custodianOrganisationId: other.organisationId },
            },
          ],
          {
            actor: { organisationId: gen.organisationId, memberId: gen.memberId, actor: 'test' },
            expectedCustodianId: null,
          },
        ),
      );
      const res = await post(gen.auth, {
        events: [
          { lotId: mine.id, ...packaged() },
          { lotId: lot.id, ...packaged() },
        ],
      }).expect(403);
      assert.deepEqual([res.body.code, res.body.index, res.body.lotId], ['not-custodian', 1, lot.id]);
      assert.equal((await chain(mine.id)).length, 1);
    });
  });

  it('records events on several lots in one request; events of one lot apply in order and link', async () => {
    const a = await createLot(t, gen);
    const b = await createLot(t, gen);
    const c = await createLot(t, gen);
    const res = await post(gen.auth, {
      events: [
        { lotId: a.id, ...storedBody() },
        { lotId: b.id, ...packaged(3) },
        { lotId: a.id, ...retrievedBody({ destination: '厂内处置' }) },
        { lotId: c.id, ...storedBody() },
        { lotId: a.id, ...packaged(4) },
      ],
    }).expect(201);
    const events = res.body.events as Array<{
      lotId: string;
      seq: number;
      type: string;
      hash: string;
      prevHash: string;
    }>;
    assert.deepEqual(
      events.map((e) => [e.lotId, e.seq, e.type]),
      [
        [a.id, 2, 'STORED'],
        [b.id, 2, 'PACKAGED'],
        [a.id, 3, 'RETRIEVED'],
        [c.id, 2, 'STORED'],
        [a.id, 4, 'PACKAGED'],
      ],
    );
    assert.equal(events[0].prevHash, a.head.hash);
    assert.equal(events[2].prevHash, events[0].hash);
    assert.equal(events[4].prevHash, events[2].hash);
    const stored = await chain(a.id);
    assert.deepEqual(
      stored.map((e) => e.hash),
      [a.head.hash, events[0].hash, events[2].hash, events[4].hash],
    );
    const lotA = (await t.http().get(`/v1/lots/${a.id}`).set(gen.auth).expect(200)).body;
    assert.deepEqual([lotA.status, lotA.containerCount, lotA.head.seq], ['ACTIVE', 4, 4]);
    for (const lot of [a, b, c]) {
      const v = (await t.http().get(`/v1/lots/${lot.id}/verification`).set(gen.auth).expect(200)).body;
      assert.equal(v.ok, true);
    }
    // One outbox row for the batch, naming every lot.
    const outbox = await t.db.query(
      `SELECT payload FROM outbox_messages WHERE payload->'lotIds' ? $1 AND payload->'lotIds' ? $2`,
      [a.id, c.id],
    );
    assert.equal(outbox.rowCount, 1);
    assert.deepEqual([...outbox.rows[0].payload.lotIds].sort(), [a.id, b.id, c.id].sort());
  });

  it('is all or nothing: a refused event refuses the batch and names it', async () => {
    const a = await createLot(t, gen);
    const b = await createLot(t, gen);
    const res = await post(gen.auth, {
      events: [
        { lotId: a.id, ...storedBody() },
        { lotId: b.id, ...packaged() },
        { lotId: a.id, ...storedBody() },
      ],
    }).expect(422);
    assert.deepEqual([res.body.code, res.body.index, res.body.lotId], ['already-stored', 2, a.id]);
    assert.equal((await chain(a.id)).length, 1);
    assert.equal((await chain(b.id)).length, 1);
    const head = await t.db.query(`SELECT head_seq, status::text FROM lots WHERE id = ANY($1)`, [[a.id, b.id]]);
    assert.deepEqual(
      head.rows.map((r) => [r.head_seq, r.status]),
      [
        [1, 'ACTIVE'],
        [1, 'ACTIVE'],
      ],
    );
    // Clock: an event before the previous one of its lot (in the same batch) is refused too.
    const early = await post(gen.auth, {
      events: [
        { lotId: a.id, ...packaged(), occurredAt: now() },
        { lotId: a.id, ...packaged(), occurredAt: new Date(Date.now() - 60_000).toISOString() },
      ],
    }).expect(422);
    assert.deepEqual([early.body.code, early.body.index], ['occurred-at-before-previous-event', 1]);
    // A field the rules refuse is named as the batch names it.
    const label = await post(gen.auth, {
      events: [{ lotId: a.id, type: 'RELABELLED', occurredAt: now(), handlerName: 'x', labelCode: 'NOT-A-LABEL' }],
    }).expect(400);
    assert.equal(label.body.index, 0);
    assert.equal(label.body.errors[0].field, 'events[0].labelCode');
  });

  it('a CORRECTED event may correct an event recorded earlier in the same batch', async () => {
    const lot = await createLot(t, gen);
    const res = await post(gen.auth, {
      events: [
        { lotId: lot.id, ...storedBody({ handlerName: '李四' }) },
        {
          lotId: lot.id,
          type: 'CORRECTED',
          occurredAt: now(),
          handlerName: '李四',
          corrects: { seq: 2 },
          reason: '经办人写错',
          changes: [{ field: 'handlerName', value: '李五' }],
        },
      ],
    }).expect(201);
    const [stored, corrected] = res.body.events;
    assert.deepEqual(corrected.payload.corrects, { lotId: lot.id, seq: 2, type: 'STORED', hash: stored.hash });
    const beyond = await post(gen.auth, {
      events: [
        {
          lotId: lot.id,
          type: 'CORRECTED',
          occurredAt: now(),
          handlerName: 'x',
          corrects: { seq: 9 },
          reason: 'no such event',
        },
      ],
    }).expect(422);
    assert.deepEqual([beyond.body.code, beyond.body.index], ['unknown-event', 0]);
  });

  it('Idempotency-Key: the same batch again replays the response; another batch with the key is 422', async () => {
    const lot = await createLot(t, gen);
    const body = { events: [{ lotId: lot.id, ...packaged(5) }] };
    const key = { 'Idempotency-Key': `batch-${lot.id}` };
    const first = await post(gen.auth, body, key).expect(201);
    const again = await post(gen.auth, body, key).expect(201);
    assert.equal(again.headers['idempotent-replayed'], 'true');
    assert.deepEqual(again.body, first.body);
    assert.equal((await chain(lot.id)).length, 2);
    const reused = await post(gen.auth, { events: [{ lotId: lot.id, ...packaged(6) }] }, key).expect(422);
    assert.equal(reused.body.code, 'idempotency-key-reused');
  });

  it('concurrent batches over overlapping lots (in different orders) all succeed: no deadlock, no fork', async () => {
    const lots = await Promise.all(Array.from({ length: 8 }, () => createLot(t, gen)));
    const occurredAt = now();
    const batches = Array.from({ length: 6 }, (_, b) => {
      const order = b % 2 === 0 ? lots : [...lots].reverse();
      return {
        events: order.map((l, i) => ({
          lotId: l.id,
          type: 'PACKAGED',
          occurredAt,
          handlerName: `h${b}`,
          packagingType: 'DRUM',
          containerCount: i + 1,
        })),
      };
    });
    const results = await Promise.all(batches.map((body) => post(gen.auth, body)));
    assert.deepEqual(
      results.map((r) => r.status),
      Array(6).fill(201),
    );
    for (const lot of lots) {
      const events = await chain(lot.id);
      assert.deepEqual(
        events.map((e) => e.seq),
        [1, 2, 3, 4, 5, 6, 7],
      );
      for (let i = 1; i < events.length; i++) assert.equal(events[i].prev, events[i - 1].hash);
    }
  });

  it('malformed batches never cause a 5xx (property)', async () => {
    const lot = await createLot(t, gen);
    const valid = () => ({
      events: [
        { lotId: lot.id, ...packaged() },
        { lotId: lot.id, ...packaged(3) },
      ],
    });
    const weird = fc.oneof(
      fc.jsonValue({ maxDepth: 3, stringUnit: 'binary' }),
      fc.constantFrom('\ud800', 'a\u0000b', '', 1e308, -1, 0.5, null, [], {}, '2024-02-30T00:00:00Z', 'x'.repeat(3000)),
    );
    const mutation = fc.tuple(
      fc.constantFrom('events', 'item', 'lotId', 'type', 'occurredAt', 'containerCount', 'packagingType', 'extra'),
      fc.nat({ max: 1 }),
      weird,
    );
    await fc.assert(
      fc.asyncProperty(mutation, async ([where, index, value]) => {
        const body: Record<string, unknown> = valid();
        const events = body.events as Array<Record<string, unknown>>;
        if (where === 'events') body.events = value;
        else if (where === 'item') events[index] = value as Record<string, unknown>;
        else if (where === 'extra') body.extra = value;
        else events[index][where] = value;
        const res = await post(gen.auth, body);
        assert.ok(res.status < 500, `${res.status} for ${JSON.stringify(body).slice(0, 200)}`);
      }),
      { numRuns: 80 },
    );
  });

  it('a batch is not held up by a foreign-key check on its lots (the checkpoint job logging their events)', async () => {
    // Inserting rows that reference a lot (log entries, events, parties) takes a KEY SHARE lock on
    // it. Writers lock lots FOR NO KEY UPDATE, which does not conflict: a checkpoint run logging
    // 10,000 events (locks taken in log order) cannot deadlock with batches (locks in id order).
    const [a, b] = [await createLot(t, gen), await createLot(t, gen)];
    const holder = await t.db.connect();
    try {
      await holder.query('BEGIN');
      await holder.query(`SELECT 1 FROM lots WHERE id = ANY($1::uuid[]) FOR KEY SHARE`, [[a.id, b.id]]);
      const res = await Promise.race([
        post(gen.auth, {
          events: [
            { lotId: a.id, ...packaged() },
            { lotId: b.id, ...packaged() },
          ],
        }),
        new Promise<null>((resolve) => setTimeout(() => resolve(null), 5_000)),
      ]);
      assert.ok(res, 'the batch waited for the KEY SHARE lock');
      assert.equal(res.status, 201, JSON.stringify(res.body));
      // …and a single append (group commit, then the locked path if needed) likewise.
      await t.http().post(`/v1/lots/${a.id}/events`).set(gen.auth).send(packaged(4)).expect(201);
    } finally {
      await holder.query('ROLLBACK');
      holder.release();
    }
  });
});
