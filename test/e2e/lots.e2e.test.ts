import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { EventType } from '../../src/ledger/domain/ledger-types';
import { LedgerWriter } from '../../src/ledger/ledger-writer';
import { creditCode } from '../support/fixtures';
import { createLot, GENERATED_AT, lotBody, now, retrievedBody, storedBody } from '../support/lots';
import { addMember, createActor, startTestApp, type Actor, type TestApp } from '../support/test-app';

const PROBLEM = /application\/problem\+json/;

/** Moves custody the way a manifest will: a RECEIVED event appended through LedgerWriter. */
async function handOver(t: TestApp, lotId: string, from: Actor, to: Actor): Promise<void> {
  const writer = t.app.get(LedgerWriter);
  await writer.transaction(async (m) => {
    await writer.lockLots(m, [lotId]);
    await writer.appendEvents(
      m,
      lotId,
      [
        {
          type: EventType.RECEIVED,
          occurredAt: new Date(),
          payload: { from: from.organisationId },
          effects: { custodianOrganisationId: to.organisationId },
        },
      ],
      {
        actor: { organisationId: to.organisationId, memberId: to.memberId, actor: `member:${to.memberId}` },
        expectedCustodianId: from.organisationId,
      },
    );
  });
}

describe('lots', () => {
  let t: TestApp;
  let gen: Actor; // GENERATOR in 371502 (Liaocheng)
  let genDriver: Actor;
  let genAuditor: Actor;
  let stranger: Actor; // GENERATOR in 110105 (Beijing)
  let carrier: Actor; // TRANSPORTER
  let storer: Actor; // STORER in 371503
  let regulatorIn: Actor; // jurisdiction 3715
  let regulatorOut: Actor; // jurisdiction 11
  let lotA: { id: string; labelCode: string; head: { seq: number; hash: string } };

  before(async () => {
    t = await startTestApp();
    gen = await createActor(t, { roles: ['GENERATOR'], region: '371502' });
    genDriver = await addMember(t, gen.organisationId, 'DRIVER');
    genAuditor = await addMember(t, gen.organisationId, 'AUDITOR');
    stranger = await createActor(t, { roles: ['GENERATOR'], region: '110105' });
    carrier = await createActor(t, { roles: ['TRANSPORTER'], region: '371502' });
    storer = await createActor(t, { roles: ['STORER', 'COLLECTOR'], region: '371503' });
    regulatorIn = await createActor(t, { roles: ['REGULATOR'], region: '371500' });
    regulatorOut = await createActor(t, { roles: ['REGULATOR'], region: '110000' });
    lotA = await createLot(t, gen);
  });
  after(() => t.close());

  describe('auth matrix (every endpoint)', () => {
    const none: Record<string, string> = {};
    type Case = { name: string; method: 'get' | 'post'; path: () => string; body?: () => object; lot?: boolean };
    const endpoints: Case[] = [
      { name: 'POST /v1/lots', method: 'post', path: () => '/v1/lots', body: () => lotBody() },
      { name: 'GET /v1/lots', method: 'get', path: () => '/v1/lots' },
      { name: 'GET /v1/lots/{id}', method: 'get', path: () => `/v1/lots/${lotA.id}` },
      {
        name: 'POST /v1/lots/{id}/events',
        method: 'post',
        path: () => `/v1/lots/${lotA.id}/events`,
        body: () => ({
          type: 'PACKAGED',
          occurredAt: now(),
          handlerName: 'x',
          packagingType: 'DRUM',
          containerCount: 1,
        }),
      },
      { name: 'GET /v1/lots/{id}/events', method: 'get', path: () => `/v1/lots/${lotA.id}/events` },
      {
        name: 'POST /v1/lots/{id}/split',
        method: 'post',
        path: () => `/v1/lots/${lotA.id}/split`,
        body: () => ({
          occurredAt: now(),
          handlerName: 'x',
          parts: [{ quantity: { value: '1', unit: 'g' } }, { quantity: { value: '1', unit: 'g' } }],
        }),
      },
      {
        name: 'POST /v1/lots/merge',
        method: 'post',
        lot: true,
        path: () => '/v1/lots/merge',
        body: () => ({
          lotIds: [lotA.id, randomUUID()],
          occurredAt: now(),
          handlerName: 'x',
          packagingType: 'DRUM',
          containerCount: 1,
        }),
      },
      { name: 'GET /v1/lots/{id}/verification', method: 'get', path: () => `/v1/lots/${lotA.id}/verification` },
    ];
    const send = (c: Case, auth: Record<string, string>) => {
      const req = t.http()[c.method](c.path()).set(auth);
      return c.body ? req.send(c.body()) : req;
    };

    for (const c of endpoints) {
      it(`${c.name}: 401 without a key`, async () => {
        const res = await send(c, none).expect(401);
        assert.match(res.headers['content-type'], PROBLEM);
      });
      it(`${c.name}: 403 for the platform administrator (not a party to anything)`, async () => {
        await send(c, t.admin).expect(403);
      });
      if (c.method === 'post') {
        it(`${c.name}: 403 for a DRIVER or AUDITOR member`, async () => {
          for (const actor of [genDriver, genAuditor]) {
            const res = await send(c, actor.auth).expect(403);
            assert.equal(res.body.code, 'forbidden');
          }
        });
        it(`${c.name}: 400 for a bad body, with per-field errors`, async () => {
          const res = await t.http().post(c.path()).set(gen.auth).send({ nonsense: true }).expect(400);
          assert.equal(res.body.code, 'validation-failed');
          assert.ok(Array.isArray(res.body.errors) && res.body.errors.length > 0);
        });
      }
      if (c.lot || c.name.includes('{id}')) {
        it(`${c.name}: 404 for another organisation and a regulator elsewhere (no leak)`, async () => {
          for (const actor of [stranger, regulatorOut, carrier]) {
            const res = await send(c, actor.auth).expect(404);
            assert.equal(res.body.code, 'not-found');
          }
        });
      }
    }

    it('POST /v1/lots: 403 for a TRANSPORTER or REGULATOR organisation', async () => {
      for (const actor of [carrier, regulatorIn]) {
        await t.http().post('/v1/lots').set(actor.auth).send(lotBody()).expect(403);
      }
    });
    it('GET /v1/lots/{id}, events, verification: 400 for a malformed id', async () => {
      for (const path of ['/v1/lots/nope', '/v1/lots/nope/events', '/v1/lots/nope/verification']) {
        await t.http().get(path).set(gen.auth).expect(400);
      }
    });
    it('reads: the generator (any role) and a regulator over its region see the lot', async () => {
      for (const actor of [gen, genDriver, genAuditor, regulatorIn]) {
        await t.http().get(`/v1/lots/${lotA.id}`).set(actor.auth).expect(200);
        await t.http().get(`/v1/lots/${lotA.id}/events`).set(actor.auth).expect(200);
        await t.http().get(`/v1/lots/${lotA.id}/verification`).set(actor.auth).expect(200);
      }
    });
    it('writes: a regulator that may see the lot gets 403 not-custodian, not 404', async () => {
      const event = await t
        .http()
        .post(`/v1/lots/${lotA.id}/events`)
        .set(regulatorIn.auth)
        .send({ type: 'PACKAGED', occurredAt: now(), handlerName: 'x', packagingType: 'DRUM', containerCount: 1 })
        .expect(403);
      assert.equal(event.body.code, 'not-custodian');
      const split = await t
        .http()
        .post(`/v1/lots/${lotA.id}/split`)
        .set(regulatorIn.auth)
        .send({
          occurredAt: now(),
          handlerName: 'x',
          parts: [{ quantity: { value: '10', unit: 'g' } }, { quantity: { value: '12335', unit: 'g' } }],
        })
        .expect(403);
      assert.equal(split.body.code, 'not-custodian');
    });
    it('a past custodian still reads the lot but may no longer append (403 not-custodian); the new one may', async () => {
      const lot = await createLot(t, gen);
      await handOver(t, lot.id, gen, storer);
      await t.http().get(`/v1/lots/${lot.id}`).set(gen.auth).expect(200);
      const res = await t.http().post(`/v1/lots/${lot.id}/events`).set(gen.auth).send(storedBody()).expect(403);
      assert.equal(res.body.code, 'not-custodian');
      const stored = await t.http().post(`/v1/lots/${lot.id}/events`).set(storer.auth).send(storedBody()).expect(201);
      assert.equal(stored.body.seq, 3);
      const got = await t.http().get(`/v1/lots/${lot.id}`).set(storer.auth).expect(200);
      assert.equal(got.body.custodianOrganisationId, storer.organisationId);
      const parties = await t.db.query(
        'SELECT organisation_id, role, region_code FROM lot_parties WHERE lot_id = $1 ORDER BY since, role',
        [lot.id],
      );
      assert.deepEqual(parties.rows, [
        { organisation_id: gen.organisationId, role: 'GENERATOR', region_code: '371502' },
        { organisation_id: storer.organisationId, role: 'CUSTODIAN', region_code: '371503' },
      ]);
      // The stranger still sees nothing.
      await t.http().get(`/v1/lots/${lot.id}`).set(stranger.auth).expect(404);
    });
  });

  describe('POST /v1/lots (GENERATED)', () => {
    it('registers a lot: 201, base units, issued label, one event, party, outbox row', async () => {
      const res = await t.http().post('/v1/lots').set(gen.auth).send(lotBody()).expect(201);
      const lot = res.body;
      assert.deepEqual(lot.quantity, { value: '12345', unit: 'g' });
      assert.equal(lot.status, 'ACTIVE');
      assert.equal(lot.wasteCategory, 'HW49');
      assert.equal(lot.catalogueEditionId, 'CN-HW-2021');
      assert.equal(lot.medicalClass, null);
      assert.equal(lot.generatorOrganisationId, gen.organisationId);
      assert.equal(lot.custodianOrganisationId, gen.organisationId);
      assert.equal(lot.generatedAt, '2024-06-01T00:00:00.000Z');
      assert.equal(lot.labelCodeIssued, true);
      assert.match(lot.labelCode, /^[0-9A-Z]{18}9000414920240601\d{3}$/);
      assert.equal(lot.head.seq, 1);
      const events = await t.db.query(
        `SELECT seq, type, encode(hash, 'hex') AS hash, encode(prev_hash, 'hex') AS prev, quantity
           FROM custody_events e JOIN lots l ON l.id = e.lot_id WHERE lot_id = $1`,
        [lot.id],
      );
      assert.deepEqual(events.rows, [
        { seq: 1, type: 'GENERATED', hash: lot.head.hash, prev: '0'.repeat(64), quantity: '12345' },
      ]);
      const outbox = await t.db.query(`SELECT job_name, payload FROM outbox_messages WHERE payload->'lotIds' ? $1`, [
        lot.id,
      ]);
      assert.deepEqual(outbox.rows, [{ job_name: 'reconciliation.lots-changed', payload: { lotIds: [lot.id] } }]);
      const parties = await t.db.query('SELECT organisation_id, role FROM lot_parties WHERE lot_id = $1', [lot.id]);
      assert.deepEqual(parties.rows, [{ organisation_id: gen.organisationId, role: 'GENERATOR' }]);
    });
    it('issued labels take the next daily serial of (organisation, code, day)', async () => {
      const other = await createActor(t, { roles: ['GENERATOR'] });
      const a = await createLot(t, other, { wasteCode: '900-249-08', occurredAt: '2024-03-01T10:00:00+08:00' });
      const b = await createLot(t, other, { wasteCode: '900-249-08', occurredAt: '2024-03-01T23:00:00+08:00' });
      const c = await createLot(t, other, { wasteCode: '900-249-08', occurredAt: '2024-03-02T01:00:00+08:00' });
      assert.ok(a.labelCode.endsWith('9002490820240301001'));
      assert.ok(b.labelCode.endsWith('9002490820240301002'));
      assert.ok(c.labelCode.endsWith('9002490820240302001'), 'China date, not UTC date');
      const reg = await t.db.query('SELECT registration_code FROM organisations WHERE id = $1', [other.organisationId]);
      assert.ok(a.labelCode.startsWith(reg.rows[0].registration_code));
    });
    it('accepts a valid HJ 1276 label and refuses it a second time (409 label-code-taken)', async () => {
      const label = `${creditCode()}9000414920240601001`;
      const lot = await createLot(t, gen, { labelCode: label });
      assert.equal(lot.labelCode, label);
      assert.equal(lot.labelCodeIssued, false);
      const res = await t
        .http()
        .post('/v1/lots')
        .set(gen.auth)
        .send(lotBody({ labelCode: label }))
        .expect(409);
      assert.equal(res.body.code, 'label-code-taken');
    });
    it('400 naming labelCode for a malformed label, another waste code, a later date or a bad check character', async () => {
      const unit = creditCode();
      const bad = [
        `${unit}9000414920240601`,
        `${unit}9002490820240601001`,
        `${unit}9000414920240602001`,
        `${unit.slice(0, 17)}${unit[17] === '0' ? '1' : '0'}9000414920240601001`,
      ];
      for (const labelCode of bad) {
        const res = await t.http().post('/v1/lots').set(gen.auth).send(lotBody({ labelCode })).expect(400);
        assert.equal(res.body.errors[0].field, 'labelCode', labelCode);
      }
    });
    it('quantities: kg, t and pcs convert exactly; more precision than a gram is a 400 naming the field', async () => {
      const t1 = await createLot(t, gen, { quantity: { value: '4.35', unit: 't' } });
      assert.deepEqual(t1.quantity, { value: '4350000', unit: 'g' });
      const pcs = await createLot(t, gen, { quantity: { value: '3', unit: 'pcs' } });
      assert.deepEqual(pcs.quantity, { value: '3', unit: 'pcs' });
      const cases: Array<[unknown, string, string]> = [
        [{ value: '1.2345', unit: 'kg' }, 'quantity.value', 'quantity-too-precise'],
        [{ value: '1.5', unit: 'pcs' }, 'quantity.value', 'quantity-too-precise'],
        [{ value: '0', unit: 'kg' }, 'quantity.value', 'quantity-not-positive'],
        [{ value: '-1', unit: 'kg' }, 'quantity.value', 'quantity-malformed'],
        [{ value: '1e3', unit: 'kg' }, 'quantity.value', 'quantity-malformed'],
        [{ value: '2000000000', unit: 't' }, 'quantity.value', 'quantity-too-large'],
      ];
      for (const [quantity, field, code] of cases) {
        const res = await t.http().post('/v1/lots').set(gen.auth).send(lotBody({ quantity })).expect(400);
        assert.deepEqual([res.body.errors[0].field, res.body.errors[0].code], [field, code], JSON.stringify(quantity));
      }
      const number = await t
        .http()
        .post('/v1/lots')
        .set(gen.auth)
        .send(lotBody({ quantity: { value: 12.5, unit: 'kg' } }))
        .expect(400);
      assert.equal(number.body.errors[0].field, 'quantity.value');
      const unit = await t
        .http()
        .post('/v1/lots')
        .set(gen.auth)
        .send(lotBody({ quantity: { value: '1', unit: 'lb' } }))
        .expect(400);
      assert.equal(unit.body.errors[0].field, 'quantity.unit');
    });
    it('waste codes are checked against the catalogue edition of the generation date', async () => {
      const unknown = await t
        .http()
        .post('/v1/lots')
        .set(gen.auth)
        .send(lotBody({ wasteCode: '900-998-49' }))
        .expect(400);
      assert.equal(unknown.body.errors[0].field, 'wasteCode');
      const identified = await t
        .http()
        .post('/v1/lots')
        .set(gen.auth)
        .send(lotBody({ wasteCode: '900-000-08' }))
        .expect(400);
      assert.equal(identified.body.errors[0].field, 'identificationRef');
      const ok = await createLot(t, gen, { wasteCode: '900-000-08', identificationRef: '鉴定报告 2024-017' });
      assert.equal(ok.wasteCategory, 'HW08');
      assert.equal(ok.identificationRef, '鉴定报告 2024-017');
      // Before the first loaded edition (the 2021 list, in force from 2021-01-01 China time).
      const earlier = await t
        .http()
        .post('/v1/lots')
        .set(gen.auth)
        .send(lotBody({ occurredAt: '2020-12-31T23:59:59+08:00' }))
        .expect(422);
      assert.equal(earlier.body.code, 'no-catalogue-edition');
      const edge = await createLot(t, gen, { occurredAt: '2021-01-01T00:00:00+08:00' });
      assert.equal(edge.catalogueEditionId, 'CN-HW-2021');
    });
    it('medical waste carries its class', async () => {
      const sharps = await createLot(t, gen, {
        wasteCode: '841-002-01',
        packagingType: 'SHARPS_CONTAINER',
        quantity: { value: '2.5', unit: 'kg' },
      });
      assert.equal(sharps.medicalClass, 'SHARPS');
      const infectious = await createLot(t, gen, { wasteCode: '841-001-01', packagingType: 'BAG' });
      assert.equal(infectious.medicalClass, 'INFECTIOUS');
      const events = await t.http().get(`/v1/lots/${infectious.id}/events`).set(gen.auth).expect(200);
      assert.equal(events.body.items[0].payload.medicalClass, 'INFECTIOUS');
    });
    it('clock: occurredAt beyond the tolerated skew is refused; within it, accepted', async () => {
      const future = new Date(Date.now() + 3600_000).toISOString();
      const res = await t
        .http()
        .post('/v1/lots')
        .set(gen.auth)
        .send(lotBody({ occurredAt: future }))
        .expect(422);
      assert.equal(res.body.code, 'occurred-at-in-future');
      for (const occurredAt of ['2024-02-30T10:00:00Z', '2024-06-01T10:00:00', '1969-12-31T00:00:00Z', 'soon']) {
        const bad = await t.http().post('/v1/lots').set(gen.auth).send(lotBody({ occurredAt })).expect(400);
        assert.equal(bad.body.errors[0].field, 'occurredAt', occurredAt);
      }
    });
    it('text must be printable and well-formed', async () => {
      for (const handlerName of ['', '   ', 'a\u0000b', 'tab\there', '\ud800']) {
        const res = await t.http().post('/v1/lots').set(gen.auth).send(lotBody({ handlerName })).expect(400);
        assert.equal(res.body.errors[0].field, 'handlerName', JSON.stringify(handlerName));
      }
      const notes = await createLot(t, gen, { notes: '第一行\n第二行 🧪' });
      const events = await t.http().get(`/v1/lots/${notes.id}/events`).set(gen.auth).expect(200);
      assert.equal(events.body.items[0].payload.notes, '第一行\n第二行 🧪');
    });
    it('idempotency: a retried GENERATED returns the same lot and creates no second one', async () => {
      const body = lotBody({ facilityCode: `IDEM-${randomUUID()}` });
      const first = await t
        .http()
        .post('/v1/lots')
        .set(gen.auth)
        .set('Idempotency-Key', 'gen-1')
        .send(body)
        .expect(201);
      const again = await t
        .http()
        .post('/v1/lots')
        .set(gen.auth)
        .set('Idempotency-Key', 'gen-1')
        .send(body)
        .expect(201);
      assert.deepEqual(again.body, first.body);
      assert.equal(again.headers['idempotent-replayed'], 'true');
      const count = await t.db.query(
        `SELECT count(*)::int AS n FROM custody_events WHERE payload->>'facilityCode' = $1`,
        [body.facilityCode],
      );
      assert.equal(count.rows[0].n, 1);
      const other = await t
        .http()
        .post('/v1/lots')
        .set(gen.auth)
        .set('Idempotency-Key', 'gen-1')
        .send({ ...body, handlerName: '王五' })
        .expect(422);
      assert.equal(other.body.code, 'idempotency-key-reused');
    });
    it('idempotency: simultaneous retries create one lot', async () => {
      const body = lotBody({ facilityCode: `RACE-${randomUUID()}` });
      const results = await Promise.all(
        Array.from({ length: 6 }, () =>
          t.http().post('/v1/lots').set(gen.auth).set('Idempotency-Key', 'gen-race').send(body),
        ),
      );
      assert.ok(
        results.every((r) => r.status === 201 || r.status === 409),
        results.map((r) => r.status).join(),
      );
      const count = await t.db.query(
        `SELECT count(*)::int AS n FROM custody_events WHERE payload->>'facilityCode' = $1`,
        [body.facilityCode],
      );
      assert.equal(count.rows[0].n, 1);
    });
  });

  describe('GET /v1/lots', () => {
    it('lists the lots the caller is a party to; filters and cursor walk every row once', async () => {
      const org = await createActor(t, { roles: ['GENERATOR'], region: '371502' });
      const made: Array<{ id: string }> = [];
      for (const [code, at] of [
        ['900-041-49', '2024-01-10T10:00:00+08:00'],
        ['900-249-08', '2024-02-10T10:00:00+08:00'],
        ['900-041-49', '2024-03-10T10:00:00+08:00'],
        ['900-041-49', '2024-04-10T10:00:00+08:00'],
      ]) {
        made.push(await createLot(t, org, { wasteCode: code, occurredAt: at }));
      }
      await t.http().post(`/v1/lots/${made[0].id}/events`).set(org.auth).send(storedBody()).expect(201);
      const walk = async (query: string) => {
        const seen: string[] = [];
        let cursor: string | null = null;
        do {
          const q: string = `${query}&limit=2${cursor ? `&cursor=${cursor}` : ''}`;
          const page = await t.http().get(`/v1/lots?${q}`).set(org.auth).expect(200);
          seen.push(...(page.body.items as Array<{ id: string }>).map((l) => l.id));
          cursor = page.body.nextCursor;
        } while (cursor);
        return seen;
      };
      assert.deepEqual(
        await walk(''),
        made.map((l) => l.id),
      );
      assert.deepEqual(await walk('wasteCode=900-249-08'), [made[1].id]);
      assert.deepEqual(await walk('status=STORED'), [made[0].id]);
      assert.deepEqual(
        await walk('generatedFrom=2024-02-01T00:00:00%2B08:00&generatedTo=2024-04-01T00:00:00%2B08:00'),
        [made[1].id, made[2].id],
      );
      assert.deepEqual(await walk(`custodianOrganisationId=${org.organisationId}&wasteCode=900-041-49`), [
        made[0].id,
        made[2].id,
        made[3].id,
      ]);
      const strangers = await t.http().get('/v1/lots?limit=200').set(stranger.auth).expect(200);
      assert.ok(!(strangers.body.items as Array<{ id: string }>).some((l) => made.some((m) => m.id === l.id)));
      const regulator = await t
        .http()
        .get(`/v1/lots?limit=200&custodianOrganisationId=${org.organisationId}`)
        .set(regulatorIn.auth)
        .expect(200);
      assert.equal(regulator.body.items.length, 4);
      const outside = await t
        .http()
        .get(`/v1/lots?limit=200&custodianOrganisationId=${org.organisationId}`)
        .set(regulatorOut.auth)
        .expect(200);
      assert.equal(outside.body.items.length, 0);
    });
    it('400 for bad filters and forged cursors', async () => {
      for (const q of [
        'status=LOST',
        'wasteCode=123',
        'generatedFrom=yesterday',
        'custodianOrganisationId=x',
        'cursor=zzz',
        'limit=0',
      ]) {
        await t.http().get(`/v1/lots?${q}`).set(gen.auth).expect(400);
      }
    });
  });

  describe('POST /v1/lots/{id}/events', () => {
    it('records the custody steps of a lot; each links to the one before', async () => {
      const lot = await createLot(t, gen);
      const steps = [
        storedBody({
          location: { code: 'ZC-01', type: 'STORAGE_POINT', name: '危废贮存点' },
          batchCode: 'HWRK20240601001',
        }),
        retrievedBody({ destination: '厂内处置', batchCode: 'HWCK20240601001' }),
        { type: 'PACKAGED', occurredAt: now(), handlerName: '王五', packagingType: 'IBC', containerCount: 2 },
        { type: 'TREATED', occurredAt: now(), handlerName: '王五', operationCode: 'R4', result: '回收金属 3 kg' },
        { type: 'DISPOSED', occurredAt: now(), handlerName: '王五', operationCode: 'D10', facilityCode: 'FS-01' },
      ];
      let prev = lot.head.hash;
      for (const [i, body] of steps.entries()) {
        const res = await t.http().post(`/v1/lots/${lot.id}/events`).set(gen.auth).send(body).expect(201);
        assert.equal(res.body.seq, i + 2);
        assert.equal(res.body.type, body.type);
        assert.equal(res.body.prevHash, prev);
        assert.match(res.body.hash, /^[0-9a-f]{64}$/);
        assert.match(res.body.globalSeq, /^\d+$/);
        prev = res.body.hash;
      }
      const got = await t.http().get(`/v1/lots/${lot.id}`).set(gen.auth).expect(200);
      assert.equal(got.body.status, 'DISPOSED');
      assert.equal(got.body.packagingType, 'IBC');
      assert.equal(got.body.containerCount, 2);
      assert.deepEqual(got.body.head, { seq: 6, hash: prev, occurredAt: got.body.head.occurredAt });
      const stored = await t.db.query(`SELECT payload FROM custody_events WHERE lot_id = $1 AND seq = 2`, [lot.id]);
      assert.deepEqual(stored.rows[0].payload, {
        handlerName: '李四',
        location: { code: 'ZC-01', type: 'STORAGE_POINT', name: '危废贮存点' },
        batchCode: 'HWRK20240601001',
      });
      // A closed lot takes no more steps.
      const closed = await t.http().post(`/v1/lots/${lot.id}/events`).set(gen.auth).send(storedBody()).expect(422);
      assert.equal(closed.body.code, 'lot-closed');
      const verify = await t.http().get(`/v1/lots/${lot.id}/verification`).set(gen.auth).expect(200);
      assert.equal(verify.body.ok, true);
      assert.equal(verify.body.eventsChecked, 6);
    });
    it('status rules: 422 with a code naming the rule', async () => {
      const lot = await createLot(t, gen);
      const post = (body: object) => t.http().post(`/v1/lots/${lot.id}/events`).set(gen.auth).send(body);
      assert.equal((await post(retrievedBody()).expect(422)).body.code, 'not-stored');
      await post(storedBody()).expect(201);
      assert.equal((await post(storedBody()).expect(422)).body.code, 'already-stored');
      const treat = { type: 'TREATED', occurredAt: now(), handlerName: 'x', operationCode: 'R4' };
      assert.equal((await post(treat).expect(422)).body.code, 'retrieve-first');
    });
    it('type: GENERATED and unknown types are 400; manifest types are 422', async () => {
      const post = (body: object) => t.http().post(`/v1/lots/${lotA.id}/events`).set(gen.auth).send(body);
      const generated = await post({ type: 'GENERATED', occurredAt: now(), handlerName: 'x' }).expect(400);
      assert.equal(generated.body.errors[0].field, 'type');
      await post({ type: 'TELEPORTED', occurredAt: now(), handlerName: 'x' }).expect(400);
      await post({ occurredAt: now(), handlerName: 'x' }).expect(400);
      for (const type of ['HANDED_OVER', 'RECEIVED', 'REJECTED', 'RETURNED']) {
        const res = await post({ type, occurredAt: now(), handlerName: 'x' }).expect(422);
        assert.equal(res.body.code, 'manifest-event-type');
      }
      const extra = await post({ ...storedBody(), operationCode: 'D10' }).expect(400);
      assert.equal(extra.body.errors[0].field, 'operationCode');
      const code = await post({ type: 'DISPOSED', occurredAt: now(), handlerName: 'x', operationCode: 'burn' }).expect(
        400,
      );
      assert.equal(code.body.errors[0].field, 'operationCode');
      const location = await post(storedBody({ location: { code: 'A', type: 'CAVE' } })).expect(400);
      assert.equal(location.body.errors[0].field, 'location.type');
    });
    it('clock: not in the future beyond the skew, never before the previous event', async () => {
      const lot = await createLot(t, gen);
      const post = (occurredAt: string) =>
        t.http().post(`/v1/lots/${lot.id}/events`).set(gen.auth).send({
          type: 'PACKAGED',
          occurredAt,
          handlerName: 'x',
          packagingType: 'DRUM',
          containerCount: 1,
        });
      const future = await post(new Date(Date.now() + 3600_000).toISOString()).expect(422);
      assert.equal(future.body.code, 'occurred-at-in-future');
      const early = await post('2024-05-31T23:59:59.999Z').expect(422);
      assert.equal(early.body.code, 'occurred-at-before-previous-event');
      await post(GENERATED_AT).expect(201); // equal to the previous event: allowed
      await post(new Date(Date.now() + 60_000).toISOString()).expect(201); // within 300 s of skew
      const behind = await post(new Date(Date.now() + 30_000).toISOString()).expect(422);
      assert.equal(behind.body.code, 'occurred-at-before-previous-event');
      const row = await t.db.query(
        `SELECT occurred_at < recorded_at AS before FROM custody_events WHERE lot_id = $1 AND seq = 3`,
        [lot.id],
      );
      assert.equal(row.rows[0].before, false, 'occurredAt and recordedAt are both kept');
    });
    it('RELABELLED: a valid new label replaces the current one; the old stays in the chain', async () => {
      const lot = await createLot(t, gen);
      const reg = await t.db.query('SELECT registration_code FROM organisations WHERE id = $1', [gen.organisationId]);
      const label = `${reg.rows[0].registration_code}9000414920261101777`;
      const res = await t
        .http()
        .post(`/v1/lots/${lot.id}/events`)
        .set(gen.auth)
        .send({ type: 'RELABELLED', occurredAt: now(), handlerName: 'x', labelCode: label })
        .expect(201);
      assert.deepEqual(res.body.payload, { handlerName: 'x', labelCode: label, previousLabelCode: lot.labelCode });
      const got = await t.http().get(`/v1/lots/${lot.id}`).set(gen.auth).expect(200);
      assert.equal(got.body.labelCode, label);
      const taken = await t
        .http()
        .post(`/v1/lots/${lotA.id}/events`)
        .set(gen.auth)
        .send({ type: 'RELABELLED', occurredAt: now(), handlerName: 'x', labelCode: label })
        .expect(409);
      assert.equal(taken.body.code, 'label-code-taken');
      const wrongCode = await t
        .http()
        .post(`/v1/lots/${lotA.id}/events`)
        .set(gen.auth)
        .send({
          type: 'RELABELLED',
          occurredAt: now(),
          handlerName: 'x',
          labelCode: `${reg.rows[0].registration_code}9002490820261101001`,
        })
        .expect(400);
      assert.equal(wrongCode.body.errors[0].field, 'labelCode');
    });
    it('CORRECTED: references the corrected event by seq and hash; the original stays; quantity corrections apply', async () => {
      const lot = await createLot(t, gen);
      const res = await t
        .http()
        .post(`/v1/lots/${lot.id}/events`)
        .set(gen.auth)
        .send({
          type: 'CORRECTED',
          occurredAt: now(),
          handlerName: '张三',
          corrects: { seq: 1 },
          reason: '称重录入错误',
          changes: [{ field: 'facilityCode', value: 'CS-002' }],
          quantity: { value: '21.345', unit: 'kg' },
        })
        .expect(201);
      assert.deepEqual(res.body.payload.corrects, { lotId: lot.id, seq: 1, type: 'GENERATED', hash: lot.head.hash });
      assert.deepEqual(res.body.payload.quantity, { amount: '21345', unit: 'g' });
      const got = await t.http().get(`/v1/lots/${lot.id}`).set(gen.auth).expect(200);
      assert.deepEqual(got.body.quantity, { value: '21345', unit: 'g' });
      const original = await t.db.query(`SELECT payload FROM custody_events WHERE lot_id = $1 AND seq = 1`, [lot.id]);
      assert.deepEqual(original.rows[0].payload.quantity, { amount: '12345', unit: 'g' });
      assert.equal(original.rows[0].payload.facilityCode, 'CS-001');
      const missing = await t
        .http()
        .post(`/v1/lots/${lot.id}/events`)
        .set(gen.auth)
        .send({ type: 'CORRECTED', occurredAt: now(), handlerName: 'x', corrects: { seq: 9 }, reason: 'x' })
        .expect(422);
      assert.equal(missing.body.code, 'unknown-event');
      const unit = await t
        .http()
        .post(`/v1/lots/${lot.id}/events`)
        .set(gen.auth)
        .send({
          type: 'CORRECTED',
          occurredAt: now(),
          handlerName: 'x',
          corrects: { seq: 1 },
          reason: 'x',
          quantity: { value: '2', unit: 'pcs' },
        })
        .expect(422);
      assert.equal(unit.body.code, 'unit-mismatch');
    });
    it('idempotency: a retried event is recorded once', async () => {
      const lot = await createLot(t, gen);
      const body = storedBody();
      const a = await t
        .http()
        .post(`/v1/lots/${lot.id}/events`)
        .set(gen.auth)
        .set('Idempotency-Key', 'ev-1')
        .send(body)
        .expect(201);
      const b = await t
        .http()
        .post(`/v1/lots/${lot.id}/events`)
        .set(gen.auth)
        .set('Idempotency-Key', 'ev-1')
        .send(body)
        .expect(201);
      assert.deepEqual(b.body, a.body);
      const count = await t.db.query('SELECT count(*)::int AS n FROM custody_events WHERE lot_id = $1', [lot.id]);
      assert.equal(count.rows[0].n, 2);
    });
    it('404 for an unknown lot', async () => {
      await t.http().post(`/v1/lots/${randomUUID()}/events`).set(gen.auth).send(storedBody()).expect(404);
    });
  });

  describe('GET /v1/lots/{id}/events', () => {
    it('pages through the chain by seq', async () => {
      const lot = await createLot(t, gen);
      for (let i = 0; i < 4; i++) {
        await t
          .http()
          .post(`/v1/lots/${lot.id}/events`)
          .set(gen.auth)
          .send(i % 2 ? retrievedBody() : storedBody())
          .expect(201);
      }
      const seqs: number[] = [];
      let cursor: string | null = null;
      do {
        const page: { body: { items: Array<{ seq: number }>; nextCursor: string | null } } = await t
          .http()
          .get(`/v1/lots/${lot.id}/events?limit=2${cursor ? `&cursor=${cursor}` : ''}`)
          .set(gen.auth)
          .expect(200);
        seqs.push(...(page.body.items as Array<{ seq: number }>).map((e) => e.seq));
        cursor = page.body.nextCursor;
      } while (cursor);
      assert.deepEqual(seqs, [1, 2, 3, 4, 5]);
      const first = await t.http().get(`/v1/lots/${lot.id}/events?limit=2`).set(gen.auth).expect(200);
      const forged = await t
        .http()
        .get(`/v1/lots/${lotA.id}/events?cursor=${first.body.nextCursor}`)
        .set(gen.auth)
        .expect(400);
      assert.equal(forged.body.errors[0].field, 'cursor');
    });
  });
});
