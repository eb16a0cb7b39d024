import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CheckpointHandler } from '../../src/transparency/checkpoint.handler';
import { createLot, storedBody } from '../support/lots';
import { createActor, startTestApp, type Actor, type TestApp } from '../support/test-app';

const PROBLEM = /application\/problem\+json/;

interface ReadRow {
  id: string;
  at: string;
  regulatorOrganisationId: string;
  memberId: string;
  actor: string;
  resourceType: string;
  resourceIds: string[];
  route: string;
  path: string;
  requestId: string | null;
}

describe('regulator read logging', () => {
  let t: TestApp;
  let gen: Actor;
  let regulatorIn: Actor; // jurisdiction 3715
  let regulatorOut: Actor; // jurisdiction 11
  let lotA: { id: string; labelCode: string };
  let lotB: { id: string; labelCode: string };

  const rows = async (): Promise<number> =>
    Number((await t.db.query('SELECT count(*) AS n FROM regulator_reads')).rows[0].n);
  const newest = async (): Promise<ReadRow> => {
    const res = await t.http().get('/v1/audit/regulator-reads?limit=1').set(t.admin).expect(200);
    return res.body.items[0] as ReadRow;
  };

  before(async () => {
    t = await startTestApp();
    gen = await createActor(t, { roles: ['GENERATOR'], region: '371502' });
    regulatorIn = await createActor(t, { roles: ['REGULATOR'], region: '371500' });
    regulatorOut = await createActor(t, { roles: ['REGULATOR'], region: '110000' });
    lotA = await createLot(t, gen);
    lotB = await createLot(t, gen);
    await t.http().post(`/v1/lots/${lotA.id}/events`).set(gen.auth).send(storedBody()).expect(201);
    await t.app.get(CheckpointHandler).handle({});
  });
  after(() => t.close());

  describe('GET /v1/audit/regulator-reads: auth matrix', () => {
    it('401 without a key', async () => {
      const res = await t.http().get('/v1/audit/regulator-reads').expect(401);
      assert.match(res.headers['content-type'], PROBLEM);
    });
    it('403 for members, regulators included (platform administrators only)', async () => {
      await t.http().get('/v1/audit/regulator-reads').set(gen.auth).expect(403);
      await t.http().get('/v1/audit/regulator-reads').set(regulatorIn.auth).expect(403);
    });
    it('400 for bad filters', async () => {
      for (const q of ['regulatorOrganisationId=x', 'from=yesterday', 'to=2024-13-01', 'limit=0', 'cursor=zz', 'x=1']) {
        const res = await t.http().get(`/v1/audit/regulator-reads?${q}`).set(t.admin).expect(400);
        assert.match(res.headers['content-type'], PROBLEM);
      }
    });
    it('200 for the platform administrator', async () => {
      const res = await t.http().get('/v1/audit/regulator-reads').set(t.admin).expect(200);
      assert.deepEqual(res.body, { items: [], nextCursor: null });
    });
  });

  describe('what is recorded', () => {
    it('a regulator reading a lot: who, what, when, before the answer', async () => {
      const started = Date.now();
      await t.http().get(`/v1/lots/${lotA.id}`).set(regulatorIn.auth).set('X-Request-Id', 'reg-read-1').expect(200);
      const row = await newest();
      assert.equal(row.regulatorOrganisationId, regulatorIn.organisationId);
      assert.equal(row.memberId, regulatorIn.memberId);
      assert.equal(row.actor, `member:${regulatorIn.memberId}`);
      assert.equal(row.resourceType, 'lot');
      assert.deepEqual(row.resourceIds, [lotA.id]);
      assert.equal(row.route, 'GET /v1/lots/:id');
      assert.equal(row.path, `/v1/lots/${lotA.id}`);
      assert.equal(row.requestId, 'reg-read-1');
      assert.ok(Date.parse(row.at) >= started - 1000 && Date.parse(row.at) <= Date.now() + 1000);
    });

    it('events, verification, lists (every id returned) and inclusion proofs', async () => {
      const before = await rows();
      await t.http().get(`/v1/lots/${lotA.id}/events?limit=1`).set(regulatorIn.auth).expect(200);
      assert.deepEqual(
        [(await newest()).route, (await newest()).path],
        ['GET /v1/lots/:id/events', `/v1/lots/${lotA.id}/events?limit=1`],
      );
      await t.http().get(`/v1/lots/${lotA.id}/verification`).set(regulatorIn.auth).expect(200);
      assert.equal((await newest()).route, 'GET /v1/lots/:id/verification');
      const list = await t.http().get('/v1/lots?limit=50').set(regulatorIn.auth).expect(200);
      const listed = list.body.items.map((l: { id: string }) => l.id).sort();
      assert.deepEqual(listed, [lotA.id, lotB.id].sort());
      const listRow = await newest();
      assert.equal(listRow.route, 'GET /v1/lots');
      assert.deepEqual([...listRow.resourceIds].sort(), listed);
      await t.http().get(`/v1/ledger/proofs/${lotA.id}/2`).set(regulatorIn.auth).expect(200);
      const proofRow = await newest();
      assert.equal(proofRow.route, 'GET /v1/ledger/proofs/:lotId/:seq');
      assert.deepEqual(proofRow.resourceIds, [lotA.id]);
      assert.equal(await rows(), before + 4);
    });

    it('an empty list page is recorded too (the regulator looked)', async () => {
      await t.http().get('/v1/lots').set(regulatorOut.auth).expect(200);
      const row = await newest();
      assert.equal(row.regulatorOrganisationId, regulatorOut.organisationId);
      assert.deepEqual(row.resourceIds, []);
    });

    it('not recorded: reads by parties, refused reads (404), public endpoints', async () => {
      const before = await rows();
      await t.http().get(`/v1/lots/${lotA.id}`).set(gen.auth).expect(200);
      await t.http().get(`/v1/lots/${lotA.id}/events`).set(gen.auth).expect(200);
      await t.http().get('/v1/lots').set(gen.auth).expect(200);
      await t.http().get(`/v1/ledger/proofs/${lotA.id}/1`).set(gen.auth).expect(200);
      await t.http().get(`/v1/lots/${lotA.id}`).set(regulatorOut.auth).expect(404);
      await t.http().get('/v1/lots/00000000-0000-4000-8000-000000000000').set(regulatorIn.auth).expect(404);
      await t.http().get('/v1/ledger/checkpoints/latest').set(regulatorIn.auth).expect(200);
      assert.equal(await rows(), before);
    });
  });

  describe('platform administrator view', () => {
    it('filters by regulator organisation and time window; newest first with a cursor', async () => {
      const mine = await t
        .http()
        .get(`/v1/audit/regulator-reads?regulatorOrganisationId=${regulatorIn.organisationId}&limit=2`)
        .set(t.admin)
        .expect(200);
      assert.equal(mine.body.items.length, 2);
      assert.ok(mine.body.nextCursor);
      const rest = await t
        .http()
        .get(
          `/v1/audit/regulator-reads?regulatorOrganisationId=${regulatorIn.organisationId}&cursor=${mine.body.nextCursor}`,
        )
        .set(t.admin)
        .expect(200);
      const all = [...mine.body.items, ...rest.body.items] as ReadRow[];
      assert.equal(all.length, 5);
      assert.ok(all.every((r) => r.regulatorOrganisationId === regulatorIn.organisationId));
      assert.equal(new Set(all.map((r) => r.id)).size, 5);
      for (let i = 1; i < all.length; i++) assert.ok(all[i - 1].at >= all[i].at, 'newest first');
      const other = await t
        .http()
        .get(`/v1/audit/regulator-reads?regulatorOrganisationId=${regulatorOut.organisationId}`)
        .set(t.admin)
        .expect(200);
      assert.equal(other.body.items.length, 1);
      const future = new Date(Date.now() + 60_000).toISOString();
      const none = await t.http().get(`/v1/audit/regulator-reads?from=${future}`).set(t.admin).expect(200);
      assert.deepEqual(none.body.items, []);
      const past = await t
        .http()
        .get(`/v1/audit/regulator-reads?from=2000-01-01T00:00:00Z&to=${future}&resourceType=lot`)
        .set(t.admin)
        .expect(200);
      assert.equal(past.body.items.length, 6);
    });
  });

  describe('fail closed', () => {
    it('when the record cannot be written, the regulator’s read is refused (503) and no data leaves', async () => {
      const before = await rows();
      await t.db.query('ALTER TABLE regulator_reads RENAME TO regulator_reads_unavailable');
      try {
        for (const path of [
          `/v1/lots/${lotA.id}`,
          `/v1/lots/${lotA.id}/events`,
          `/v1/lots/${lotA.id}/verification`,
          '/v1/lots',
          `/v1/ledger/proofs/${lotA.id}/1`,
        ]) {
          const res = await t.http().get(path).set(regulatorIn.auth).expect(503);
          assert.match(res.headers['content-type'], PROBLEM);
          assert.equal(res.body.code, 'regulator-read-not-recorded');
          const text = JSON.stringify(res.body);
          assert.ok(!text.includes(lotA.labelCode) && !text.includes('"items"'), text);
        }
        // Others are not affected.
        await t.http().get(`/v1/lots/${lotA.id}`).set(gen.auth).expect(200);
      } finally {
        await t.db.query('ALTER TABLE regulator_reads_unavailable RENAME TO regulator_reads');
      }
      assert.equal(await rows(), before);
      await t.http().get(`/v1/lots/${lotA.id}`).set(regulatorIn.auth).expect(200);
      assert.equal(await rows(), before + 1);
    });

    it('a failing insert (e.g. a constraint) also refuses the read', async () => {
      await t.db.query(
        `ALTER TABLE regulator_reads ADD CONSTRAINT ck_test_refuse CHECK (resource_type <> 'lot') NOT VALID`,
      );
      try {
        await t.http().get(`/v1/lots/${lotA.id}`).set(regulatorIn.auth).expect(503);
      } finally {
        await t.db.query('ALTER TABLE regulator_reads DROP CONSTRAINT ck_test_refuse');
      }
    });
  });
});
