import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Client } from 'pg';
import { EventType } from '../../src/ledger/domain/ledger-types';
import { auditLedger } from '../../src/transparency/tamper-audit';
import { LedgerWriter, type EventDraft } from '../../src/ledger/ledger-writer';
import { createLot, now, storedBody } from '../support/lots';
import { createActor, startTestApp, type Actor, type TestApp } from '../support/test-app';

/**
 * The ledger's performance paths behave exactly like the plain ones: group commit of
 * concurrent appends to one lot, chains longer than a verification batch, and the tamper audit.
 */
describe('ledger throughput paths', () => {
  let t: TestApp;
  let gen: Actor;
  let other: Actor;
  let writer: LedgerWriter;

  before(async () => {
    t = await startTestApp();
    gen = await createActor(t, { roles: ['GENERATOR'] });
    other = await createActor(t, { roles: ['GENERATOR'] });
    writer = t.app.get(LedgerWriter);
  });
  after(() => t.close());

  const actorOf = (a: Actor) => ({
    organisationId: a.organisationId,
    memberId: a.memberId,
    actor: `member:${a.memberId}`,
  });
  const viewerOf = (a: Actor) => ({ organisationId: a.organisationId, jurisdictionPrefix: null });
  const packaged = (n: number): EventDraft => ({
    type: EventType.PACKAGED,
    occurredAt: new Date(),
    payload: { handlerName: `h${n}`, packagingType: 'DRUM', containerCount: n },
    effects: { packagingType: 'DRUM', containerCount: n },
  });
  /** appendToLot as the lots API calls it, with fixed drafts. */
  const append = (lotId: string, actor: Actor, drafts: () => EventDraft[]) =>
    writer.appendToLot(lotId, { actor: actorOf(actor), viewer: viewerOf(actor), build: () => drafts() });
  const statements = async (lotId: string) =>
    (
      await t.db.query(
        `SELECT count(DISTINCT xmin::text)::int AS n FROM custody_events WHERE lot_id = $1 AND seq > 1`,
        [lotId],
      )
    ).rows[0].n as number;
  const verify = async (lotId: string) =>
    (await t.http().get(`/v1/lots/${lotId}/verification`).set(gen.auth).expect(200)).body;

  describe('group commit of appends to one lot', () => {
    it('requests that arrive while a statement is in flight are written together, in arrival order', async () => {
      const lot = await createLot(t, gen);
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) => append(lot.id, gen, () => [packaged(i + 1)])),
      );
      assert.deepEqual(
        results.map((r) => r.events[0].seq),
        Array.from({ length: 20 }, (_, i) => i + 2),
      );
      assert.deepEqual(
        results.map((r) => r.events[0].payload.handlerName),
        Array.from({ length: 20 }, (_, i) => `h${i + 1}`),
      );
      // The first request found the lot idle and went alone; the other 19 queued behind it.
      assert.equal(await statements(lot.id), 2);
      assert.equal(new Set(results.map((r) => r.events[0].globalSeq)).size, 20);
      const outbox = await t.db.query(`SELECT count(*)::int AS n FROM outbox_messages WHERE payload->'lotIds' ? $1`, [
        lot.id,
      ]);
      assert.equal(outbox.rows[0].n, 3, 'genesis + one per append statement');
      const v = await verify(lot.id);
      assert.deepEqual([v.ok, v.headSeq], [true, 21]);
      const row = await t.db.query(`SELECT container_count FROM lots WHERE id = $1`, [lot.id]);
      assert.equal(row.rows[0].container_count, 20, 'the last request’s effects win');
    });

    it('each request of a group succeeds or fails on its own', async () => {
      const lot = await createLot(t, gen);
      const mineOnly = await createLot(t, gen);
      const outcomes = await Promise.allSettled([
        append(lot.id, gen, () => [packaged(1)]),
        append(lot.id, gen, () => [packaged(2)]),
        // another organisation cannot see the lot: 404 for it alone
        append(lot.id, other, () => [packaged(3)]),
        // a rule refusing one request (the build throws)
        writer.appendToLot(lot.id, {
          actor: actorOf(gen),
          viewer: viewerOf(gen),
          build: () => {
            throw new Error('refused by a rule');
          },
        }),
        // a clock refusal: before the previous event (the first of the group)
        append(lot.id, gen, () => [{ ...packaged(5), occurredAt: new Date(Date.now() - 3_600_000) }]),
        append(lot.id, gen, () => [packaged(6)]),
        append(mineOnly.id, other, () => [packaged(7)]),
      ]);
      const status = outcomes.map((o) =>
        o.status === 'fulfilled' ? o.value.events[0].seq : ((o.reason as { code?: string }).code ?? 'error'),
      );
      assert.deepEqual(status, [2, 3, 'not-found', 'error', 'occurred-at-before-previous-event', 4, 'not-found']);
      assert.equal((await verify(lot.id)).ok, true);
    });

    it('a request whose statement fails (a label code taken meanwhile) fails alone; the rest of its group is written', async () => {
      const taken = await createLot(t, gen);
      const lot = await createLot(t, gen);
      const relabel = (): EventDraft => ({
        type: EventType.RELABELLED,
        occurredAt: new Date(),
        payload: { handlerName: 'x', labelCode: taken.labelCode, previousLabelCode: lot.labelCode },
        effects: { labelCode: taken.labelCode },
      });
      const outcomes = await Promise.allSettled([
        append(lot.id, gen, () => [packaged(1)]),
        append(lot.id, gen, () => [packaged(2)]),
        append(lot.id, gen, () => [relabel()]),
        append(lot.id, gen, () => [packaged(4)]),
      ]);
      const status = outcomes.map((o) =>
        o.status === 'fulfilled' ? o.value.events[0].seq : (o.reason as { code?: string }).code,
      );
      assert.deepEqual(status, [2, 3, 'label-code-taken', 4]);
      assert.equal((await verify(lot.id)).ok, true);
    });

    it('the API: a CORRECTED request may correct an event written in its own group', async () => {
      const lot = await createLot(t, gen);
      const [stored, corrected] = await Promise.all([
        t.http().post(`/v1/lots/${lot.id}/events`).set(gen.auth).send(storedBody()),
        t
          .http()
          .post(`/v1/lots/${lot.id}/events`)
          .set(gen.auth)
          .send({
            type: 'CORRECTED',
            occurredAt: now(),
            handlerName: 'x',
            corrects: { seq: 2 },
            reason: 'typo',
          }),
      ]);
      assert.equal(stored.status, 201);
      if (corrected.status === 201) {
        assert.equal(corrected.body.payload.corrects.hash, stored.body.hash);
      } else {
        // The correction was linked before the STORED event existed.
        assert.deepEqual([corrected.status, corrected.body.code], [422, 'unknown-event']);
      }
    });

    it('another writer moving the head in between sends the group to the locked path; nothing is lost', async () => {
      const lot = await createLot(t, gen);
      // One occurredAt for all: whichever writer goes first, no event is before the previous one.
      const at = new Date();
      const draft = (n: number) => ({ ...packaged(n), occurredAt: at });
      const results = await Promise.all([
        ...Array.from({ length: 10 }, (_, i) => append(lot.id, gen, () => [draft(i + 1)])),
        writer.transaction((m) => writer.appendEvents(m, lot.id, [draft(99)], { actor: actorOf(gen) })),
        ...Array.from({ length: 10 }, (_, i) => append(lot.id, gen, () => [draft(i + 11)])),
      ]);
      assert.equal(results.length, 21);
      const v = await verify(lot.id);
      assert.deepEqual([v.ok, v.headSeq], [true, 22]);
    });
  });

  describe('verification of chains longer than one batch (2,000 events)', () => {
    let lotId: string;
    const grow = async (id: string, count: number) => {
      for (let n = 0; n < count; n += 500) {
        const drafts = Array.from({ length: Math.min(500, count - n) }, (_, i) => packaged(((n + i) % 50) + 1));
        await writer.transaction((m) => writer.appendEvents(m, id, drafts, { actor: actorOf(gen) }));
      }
    };

    it('a 4,500-event chain verifies; appends meanwhile never make it look broken', async () => {
      lotId = (await createLot(t, gen)).id;
      await grow(lotId, 4_499);
      assert.deepEqual([(await verify(lotId)).ok, (await verify(lotId)).eventsChecked], [true, 4_500]);
      let appending = true;
      const appends = (async () => {
        for (let i = 0; i < 30; i++) await append(lotId, gen, () => [packaged(1)]);
        appending = false;
      })();
      const verdicts: boolean[] = [];
      while (appending) verdicts.push((await verify(lotId)).ok);
      await appends;
      assert.deepEqual(
        verdicts.filter((ok) => !ok),
        [],
      );
    });

    it('tampering beyond the first batch is caught at its seq; so is an event inserted past the head', async () => {
      const client = new Client({ connectionString: t.config.DATABASE_URL });
      await client.connect();
      try {
        await client.query('BEGIN');
        await client.query('SET LOCAL session_replication_role = replica');
        await client.query(
          `UPDATE custody_events SET payload = jsonb_set(payload, '{handlerName}', '"someone else"')
            WHERE lot_id = $1 AND seq = 3100`,
          [lotId],
        );
        await client.query('COMMIT');
        const result = await verify(lotId);
        assert.deepEqual([result.ok, result.firstBadSeq, result.fault], [false, 3100, 'hash-mismatch']);
        const report = await auditLedger(client);
        assert.equal(report.ok, false);
        assert.deepEqual(
          report.findings.map((f) => [f.lotId, f.seq, f.fault]),
          [[lotId, 3100, 'hash-mismatch']],
        );
      } finally {
        await client.end();
      }
      const short = await createLot(t, gen);
      await grow(short.id, 3);
      await t.db.query(
        `INSERT INTO custody_events (lot_id, seq, chain_started_at, format, type, occurred_at, recorded_at,
                                     actor_organisation_id, actor_member_id, payload, prev_hash, hash)
         SELECT lot_id, 5, chain_started_at, format, type, occurred_at, recorded_at, actor_organisation_id,
                actor_member_id, payload, hash, hash
           FROM custody_events WHERE lot_id = $1 AND seq = 4`,
        [short.id],
      );
      const result = await verify(short.id);
      assert.deepEqual([result.ok, result.firstBadSeq, result.fault], [false, 5, 'hash-mismatch']);
    });
  });

  describe('tamper audit (auditLedger)', () => {
    it('recomputes every chain: a sound ledger is ok; each kind of tampering is found at its lot and seq', async () => {
      const fresh = await startTestApp();
      const client = new Client({ connectionString: fresh.config.DATABASE_URL });
      await client.connect();
      try {
        const a = await createActor(fresh, { roles: ['GENERATOR'] });
        const lots: Array<{ id: string }> = [];
        for (let i = 0; i < 4; i++) lots.push(await createLot(fresh, a));
        for (const lot of lots) {
          await fresh.http().post(`/v1/lots/${lot.id}/events`).set(a.auth).send(storedBody()).expect(201);
        }
        const sound = await auditLedger(client);
        assert.deepEqual([sound.ok, sound.lots, sound.events, sound.findingCount], [true, 4, 8, 0]);
        assert.deepEqual(
          sound.passes.map((p) => p.name),
          ['chains', 'empty-chains', 'log'],
        );

        await client.query('BEGIN');
        await client.query('SET LOCAL session_replication_role = replica');
        await client.query(
          `UPDATE custody_events SET occurred_at = occurred_at + interval '1 ms' WHERE lot_id = $1 AND seq = 2`,
          [lots[0].id],
        );
        await client.query(`DELETE FROM custody_events WHERE lot_id = $1`, [lots[1].id]);
        await client.query(`UPDATE lots SET head_hash = decode(repeat('cd', 32), 'hex') WHERE id = $1`, [lots[2].id]);
        await client.query(`UPDATE custody_events SET lot_id = gen_random_uuid() WHERE lot_id = $1 AND seq = 2`, [
          lots[3].id,
        ]);
        await client.query('COMMIT');

        const report = await auditLedger(client);
        assert.equal(report.ok, false);
        const found = report.findings.map(
          (f) =>
            `${f.lotId === lots[0].id ? 'a' : f.lotId === lots[1].id ? 'b' : f.lotId === lots[2].id ? 'c' : f.lotId === lots[3].id ? 'd' : 'orphan'}:${f.seq}:${f.fault}`,
        );
        assert.deepEqual(
          found.sort(),
          [
            'a:2:hash-mismatch',
            'b:1:empty-chain',
            // No checkpoint ran (no worker): the events are queued for the log; b's two are gone.
            'b:1:event-missing',
            'b:2:event-missing',
            'c:2:head-mismatch',
            'd:2:missing-event',
            'd:2:event-missing',
            'orphan:2:unknown-lot',
            'orphan:2:not-in-log',
          ].sort(),
        );
      } finally {
        await client.end();
        await fresh.close();
      }
    });
  });
});
