import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { creditCode } from '../support/fixtures';
import { createLot, now, storedBody } from '../support/lots';
import { createActor, startTestApp, type Actor, type TestApp } from '../support/test-app';

const q = (value: string, unit = 'kg') => ({ quantity: { value, unit } });

describe('split and merge', () => {
  let t: TestApp;
  let collector: Actor;
  let other: Actor;
  let regulator: Actor;

  before(async () => {
    t = await startTestApp();
    collector = await createActor(t, { roles: ['COLLECTOR', 'STORER'], region: '371502' });
    other = await createActor(t, { roles: ['GENERATOR'], region: '371502' });
    regulator = await createActor(t, { roles: ['REGULATOR'], region: '371500' });
  });
  after(() => t.close());

  const split = (lotId: string, parts: object[], actor = collector, extra: object = {}) =>
    t
      .http()
      .post(`/v1/lots/${lotId}/split`)
      .set(actor.auth)
      .send({ occurredAt: now(), handlerName: '赵六', parts, ...extra });
  const merge = (lotIds: string[], actor = collector, extra: object = {}) =>
    t
      .http()
      .post('/v1/lots/merge')
      .set(actor.auth)
      .send({ lotIds, occurredAt: now(), handlerName: '赵六', packagingType: 'IBC', containerCount: 1, ...extra });

  describe('split', () => {
    it('divides a lot exactly: parent SPLIT and closed, children SPLIT_FROM linked to it, lineage with quantities', async () => {
      const parent = await createLot(t, collector, { quantity: { value: '10', unit: 'kg' } });
      await t.http().post(`/v1/lots/${parent.id}/events`).set(collector.auth).send(storedBody()).expect(201);
      const res = await split(parent.id, [
        q('4.5'),
        { ...q('5500', 'g'), containerCount: 2, packagingType: 'BAG' },
      ]).expect(201);
      const { parent: p, children } = res.body;
      assert.equal(p.status, 'SPLIT');
      assert.equal(p.head.seq, 3);
      assert.deepEqual(
        children.map((c: { quantity: unknown }) => c.quantity),
        [
          { value: '4500', unit: 'g' },
          { value: '5500', unit: 'g' },
        ],
      );
      assert.deepEqual(
        p.children.map((e: { quantity: { value: string } }) => e.quantity.value),
        ['4500', '5500'],
      );
      for (const child of children) {
        assert.equal(child.status, 'ACTIVE');
        assert.equal(child.wasteCode, '900-041-49');
        assert.equal(child.custodianOrganisationId, collector.organisationId);
        assert.deepEqual(child.parents, [{ lotId: parent.id, kind: 'SPLIT', quantity: child.quantity }]);
        assert.equal(child.labelCodeIssued, true);
        const events = await t.http().get(`/v1/lots/${child.id}/events`).set(collector.auth).expect(200);
        assert.equal(events.body.items.length, 1);
        const genesis = events.body.items[0];
        assert.equal(genesis.type, 'SPLIT_FROM');
        assert.equal(genesis.prevHash, '0'.repeat(64));
        assert.deepEqual(genesis.payload.parent, { lotId: parent.id, seq: 3, hash: p.head.hash });
        assert.equal(
          (await t.http().get(`/v1/lots/${child.id}/verification`).set(collector.auth).expect(200)).body.ok,
          true,
        );
      }
      assert.equal(children[1].containerCount, 2);
      assert.equal(children[1].packagingType, 'BAG');
      const splitEvent = await t.http().get(`/v1/lots/${parent.id}/events?cursor=`).set(collector.auth).expect(200);
      assert.deepEqual(
        splitEvent.body.items[2].payload.children.map((c: { lotId: string }) => c.lotId),
        children.map((c: { id: string }) => c.id),
      );
      const lineage = await t.db.query(
        'SELECT child_lot_id, kind, quantity FROM lot_lineage WHERE parent_lot_id = $1 ORDER BY quantity',
        [parent.id],
      );
      assert.deepEqual(lineage.rows, [
        { child_lot_id: children[0].id, kind: 'SPLIT', quantity: '4500' },
        { child_lot_id: children[1].id, kind: 'SPLIT', quantity: '5500' },
      ]);
      const outbox = await t.db.query(`SELECT payload FROM outbox_messages WHERE payload->'lotIds' ? $1 ORDER BY id`, [
        children[0].id,
      ]);
      assert.deepEqual(outbox.rows, [{ payload: { lotIds: [parent.id, children[0].id, children[1].id] } }]);
      // Closed: no more steps, no second split.
      assert.equal((await split(parent.id, [q('5'), q('5')]).expect(422)).body.code, 'lot-closed');
      assert.equal(
        (await t.http().post(`/v1/lots/${parent.id}/events`).set(collector.auth).send(storedBody()).expect(422)).body
          .code,
        'lot-closed',
      );
    });
    it('refuses an unbalanced split, by a gram either way, and leaves everything as it was', async () => {
      const parent = await createLot(t, collector, { quantity: { value: '10', unit: 'kg' } });
      for (const parts of [
        [q('4.5'), q('5.499')],
        [q('4.5'), q('5.501')],
        [q('10'), q('0.001')],
      ]) {
        const res = await split(parent.id, parts).expect(422);
        assert.equal(res.body.code, 'unbalanced-split');
      }
      const pieces = await split(parent.id, [q('5', 'pcs'), q('5', 'kg')]).expect(422);
      assert.equal(pieces.body.code, 'unit-mismatch');
      const rows = await t.db.query(
        `SELECT (SELECT head_seq FROM lots WHERE id = $1) AS head,
                (SELECT count(*)::int FROM lot_lineage WHERE parent_lot_id = $1) AS edges,
                (SELECT status FROM lots WHERE id = $1) AS status`,
        [parent.id],
      );
      assert.deepEqual(rows.rows[0], { head: 1, edges: 0, status: 'ACTIVE' });
    });
    it('400 for one part, a bad part quantity (naming it) or a foreign label', async () => {
      const parent = await createLot(t, collector, { quantity: { value: '10', unit: 'kg' } });
      assert.equal((await split(parent.id, [q('10')]).expect(400)).body.errors[0].field, 'parts');
      const precise = await split(parent.id, [q('4.5'), q('5.4999')]).expect(400);
      assert.equal(precise.body.errors[0].field, 'parts[1].quantity.value');
      const label = await split(parent.id, [
        q('4.5'),
        { ...q('5.5'), labelCode: `${creditCode()}9002490820240601001` },
      ]).expect(400);
      assert.equal(label.body.errors[0].field, 'parts[1].labelCode');
    });
    it('404 for a lot of another organisation; 403 not-custodian for a party that does not hold it', async () => {
      const parent = await createLot(t, collector);
      await split(parent.id, [q('1'), q('11.345')], other).expect(404);
      assert.equal((await split(parent.id, [q('1'), q('11.345')], regulator).expect(403)).body.code, 'not-custodian');
      await split(randomUUID(), [q('1'), q('1')]).expect(404);
    });
    it('idempotency: a retried split creates its children once', async () => {
      const parent = await createLot(t, collector, { quantity: { value: '2', unit: 'kg' } });
      const body = { occurredAt: now(), handlerName: 'x', parts: [q('1'), q('1')] };
      const a = await t
        .http()
        .post(`/v1/lots/${parent.id}/split`)
        .set(collector.auth)
        .set('Idempotency-Key', 'split-1')
        .send(body)
        .expect(201);
      const b = await t
        .http()
        .post(`/v1/lots/${parent.id}/split`)
        .set(collector.auth)
        .set('Idempotency-Key', 'split-1')
        .send(body)
        .expect(201);
      assert.deepEqual(b.body, a.body);
      const edges = await t.db.query('SELECT count(*)::int AS n FROM lot_lineage WHERE parent_lot_id = $1', [
        parent.id,
      ]);
      assert.equal(edges.rows[0].n, 2);
    });
  });

  describe('merge', () => {
    it('merges lots of one code held by the caller into a new lot of the exact sum', async () => {
      const a = await createLot(t, collector, { quantity: { value: '1.234', unit: 'kg' } });
      const b = await createLot(t, collector, { quantity: { value: '0.005', unit: 't' }, quantityMethod: 'ESTIMATED' });
      const c = await createLot(t, collector, { quantity: { value: '1', unit: 'g' } });
      const res = await merge([a.id, b.id, c.id], collector, { quantity: { value: '6.235', unit: 'kg' } }).expect(201);
      const child = res.body;
      assert.deepEqual(child.quantity, { value: '6235', unit: 'g' });
      assert.equal(child.quantityMethod, 'ESTIMATED');
      assert.equal(child.status, 'ACTIVE');
      assert.equal(child.packagingType, 'IBC');
      assert.deepEqual(
        child.parents.map((e: { lotId: string; quantity: { value: string } }) => [e.lotId, e.quantity.value]).sort(),
        [
          [a.id, '1234'],
          [b.id, '5000'],
          [c.id, '1'],
        ].sort(),
      );
      const genesis = (await t.http().get(`/v1/lots/${child.id}/events`).set(collector.auth).expect(200)).body.items[0];
      assert.equal(genesis.type, 'MERGED_FROM');
      for (const parent of [a, b, c]) {
        const lot = (await t.http().get(`/v1/lots/${parent.id}`).set(collector.auth).expect(200)).body;
        assert.equal(lot.status, 'MERGED');
        assert.deepEqual(lot.children, [{ lotId: child.id, kind: 'MERGE', quantity: lot.quantity }]);
        const link = genesis.payload.parents.find((p: { lotId: string }) => p.lotId === parent.id);
        assert.deepEqual(link, {
          lotId: parent.id,
          seq: 2,
          hash: lot.head.hash,
          quantity: { amount: lot.quantity.value, unit: 'g' },
        });
        const merged = (await t.http().get(`/v1/lots/${parent.id}/events`).set(collector.auth).expect(200)).body
          .items[1];
        assert.equal(merged.type, 'MERGED');
        assert.equal(merged.payload.into.lotId, child.id);
      }
      assert.equal((await merge([a.id, b.id]).expect(422)).body.code, 'lot-closed');
    });
    it('refuses a stated quantity that is not the exact sum, different codes and different units', async () => {
      const a = await createLot(t, collector, { quantity: { value: '1', unit: 'kg' } });
      const b = await createLot(t, collector, { quantity: { value: '1', unit: 'kg' } });
      const unbalanced = await merge([a.id, b.id], collector, { quantity: { value: '2.001', unit: 'kg' } }).expect(422);
      assert.equal(unbalanced.body.code, 'unbalanced-merge');
      const d = await createLot(t, collector, { wasteCode: '900-249-08' });
      assert.equal((await merge([a.id, d.id]).expect(422)).body.code, 'waste-code-mismatch');
      const e = await createLot(t, collector, { quantity: { value: '4', unit: 'pcs' } });
      assert.equal((await merge([a.id, e.id]).expect(422)).body.code, 'unit-mismatch');
      const f = await createLot(t, collector, { physicalForm: 'LIQUID' });
      assert.equal((await merge([a.id, f.id]).expect(422)).body.code, 'physical-form-mismatch');
      const ok = await merge([a.id, f.id], collector, { physicalForm: 'SEMI_SOLID' }).expect(201);
      assert.equal(ok.body.physicalForm, 'SEMI_SOLID');
      const heads = await t.db.query('SELECT head_seq FROM lots WHERE id = ANY($1)', [[b.id, d.id, e.id]]);
      assert.deepEqual(
        heads.rows.map((r) => r.head_seq),
        [1, 1, 1],
        'refused merges changed nothing',
      );
    });
    it('the same custodian only: 404 for a lot the caller cannot see, 403 for one it sees but does not hold', async () => {
      const mine = await createLot(t, collector);
      const theirs = await createLot(t, other);
      assert.equal((await merge([mine.id, theirs.id]).expect(404)).body.code, 'not-found');
      const x = await createLot(t, other);
      assert.equal((await merge([x.id, theirs.id], regulator).expect(403)).body.code, 'not-custodian');
      await merge([mine.id, mine.id]).expect(400);
      await merge([mine.id]).expect(400);
      await merge([mine.id, 'not-a-uuid']).expect(400);
    });
    it('lineage rows are append-only', async () => {
      const a = await createLot(t, collector);
      const b = await createLot(t, collector);
      await merge([a.id, b.id]).expect(201);
      for (const sql of ['UPDATE lot_lineage SET quantity = 0', 'DELETE FROM lot_lineage', 'TRUNCATE lot_lineage']) {
        await assert.rejects(t.db.query(sql), /append-only/, sql);
      }
    });
  });
});
