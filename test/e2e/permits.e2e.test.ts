import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { DataSource } from 'typeorm';
import { addYears, chinaDate } from '../../src/common/time/china-date';
import { PermitCheckService } from '../../src/permits/permit-check.service';
import { PermitUsageRepository } from '../../src/permits/permit-usage.repository';
import { createActor, addMember, startTestApp, type Actor, type TestApp } from '../support/test-app';

const PROBLEM = /application\/problem\+json/;

/** Liaocheng (3715): the regulator, a treater, a transporter and two generators; Beijing: another regulator. */
describe('permits, credit grades and the permit check', () => {
  let t: TestApp;
  let regulator: Actor;
  let regulatorDriver: Actor;
  let outsider: Actor;
  let treater: Actor;
  let transporter: Actor;
  let generator: Actor;
  let otherGenerator: Actor;

  before(async () => {
    t = await startTestApp();
    regulator = await createActor(t, { roles: ['REGULATOR'], region: '371500', name: '聊城市生态环境局' });
    regulatorDriver = await addMember(t, regulator.organisationId, 'DRIVER');
    outsider = await createActor(t, { roles: ['REGULATOR'], region: '110000', name: '北京市生态环境局' });
    treater = await createActor(t, { roles: ['TREATER'], region: '371502' });
    transporter = await createActor(t, { roles: ['TRANSPORTER'], region: '371502' });
    generator = await createActor(t, { roles: ['GENERATOR'], region: '371502' });
    otherGenerator = await createActor(t, { roles: ['GENERATOR'], region: '371502' });
  });
  after(() => t.close());

  const comprehensive = (organisationId: string, over: Record<string, unknown> = {}) => ({
    organisationId,
    kind: 'HW_OPERATING_COMPREHENSIVE',
    number: `鲁危证${Math.floor(Math.random() * 1e6)}号`,
    operationModes: ['STORAGE', 'DISPOSAL'],
    wasteCodes: ['900-052-31'],
    wasteCategories: ['HW08'],
    annualCapacityTonnes: '100',
    facilityAddress: '聊城市东昌府区环保路1号',
    validFrom: '2026-01-01',
    validTo: '2030-12-31',
    issuer: '山东省生态环境厅',
    ...over,
  });

  const createPermit = async (body: Record<string, unknown>, auth = regulator.auth) =>
    (await t.http().post('/v1/permits').set(auth).send(body).expect(201)).body;

  const fieldsOf = (res: { body: { errors?: Array<{ field: string }> } }) =>
    (res.body.errors ?? []).map((e) => e.field);

  describe('POST /v1/permits', () => {
    it('401 without a key', async () => {
      const res = await t.http().post('/v1/permits').send(comprehensive(treater.organisationId)).expect(401);
      assert.match(res.headers['content-type'], PROBLEM);
    });
    it('403 for a non-regulator member, and for a regulator’s driver', async () => {
      await t.http().post('/v1/permits').set(treater.auth).send(comprehensive(treater.organisationId)).expect(403);
      await t
        .http()
        .post('/v1/permits')
        .set(regulatorDriver.auth)
        .send(comprehensive(treater.organisationId))
        .expect(403);
    });
    it('404 for a regulator outside the holder’s region, and nothing is written', async () => {
      const body = comprehensive(treater.organisationId, { number: 'OUTSIDE-1' });
      const res = await t.http().post('/v1/permits').set(outsider.auth).send(body).expect(404);
      assert.equal(res.body.code, 'not-found');
      const rows = await t.db.query(`SELECT count(*)::int AS n FROM permits WHERE number = 'OUTSIDE-1'`);
      assert.equal(rows.rows[0].n, 0);
    });
    it('400 for a bad body, naming each field', async () => {
      const res = await t
        .http()
        .post('/v1/permits')
        .set(regulator.auth)
        .send({
          organisationId: 'nope',
          kind: 'FISHING',
          number: '',
          operationModes: ['JUGGLING'],
          wasteCodes: ['90021408'],
          wasteCategories: ['HW8'],
          annualCapacityTonnes: '-1',
          validFrom: '2026-02-30',
          validTo: 'soon',
          issuer: 'x\u0000y',
          extra: true,
        })
        .expect(400);
      assert.match(res.headers['content-type'], PROBLEM);
      const fields = fieldsOf(res);
      for (const f of [
        'organisationId',
        'kind',
        'number',
        'operationModes',
        'wasteCodes',
        'wasteCategories',
        'annualCapacityTonnes',
        'validFrom',
        'validTo',
        'issuer',
        'extra',
      ]) {
        assert.ok(fields.includes(f), `${f} in ${fields.join(',')}`);
      }
    });
    it('a regulator with jurisdiction records one: 201, the row, exact grams, and an ISSUE history entry', async () => {
      const body = comprehensive(treater.organisationId, { annualCapacityTonnes: '1234.567891' });
      const permit = await createPermit(body);
      assert.equal(permit.status, 'ACTIVE');
      assert.equal(permit.annualCapacityTonnes, '1234.567891');
      assert.equal(permit.annualCapacityGrams, '1234567891');
      assert.deepEqual(permit.allowedActions, ['SUSPEND', 'REVOKE', 'CANCEL']);
      assert.deepEqual(
        permit.history.map((h: { action: string; toState: string }) => `${h.action}:${h.toState}`),
        ['ISSUE:ACTIVE'],
      );
      const row = await t.db.query('SELECT *, valid_to::text AS valid_to FROM permits WHERE id = $1', [permit.id]);
      assert.equal(row.rows[0].annual_capacity_grams, '1234567891');
      assert.equal(row.rows[0].created_by, `member:${regulator.memberId}`);
      assert.equal(row.rows[0].valid_to, '2030-12-31');
      const history = await t.db.query('SELECT action, actor FROM permit_status_changes WHERE permit_id = $1', [
        permit.id,
      ]);
      assert.deepEqual(history.rows, [{ action: 'ISSUE', actor: `member:${regulator.memberId}` }]);
    });
    it('the platform admin records one; tonnes may be a JSON number, converted exactly', async () => {
      const permit = await createPermit(comprehensive(treater.organisationId, { annualCapacityTonnes: 12.5 }), t.admin);
      assert.equal(permit.annualCapacityGrams, '12500000');
      assert.equal(permit.createdBy, 'platform-admin:env');
    });
    it('400 for capacity more precise than a gram (7 decimals of a tonne), not rounded', async () => {
      const res = await t
        .http()
        .post('/v1/permits')
        .set(regulator.auth)
        .send(comprehensive(treater.organisationId, { annualCapacityTonnes: '1.0000001' }))
        .expect(400);
      assert.deepEqual(fieldsOf(res), ['annualCapacityTonnes']);
      assert.match(res.body.detail, /6 decimal places/);
    });
    it('400 for permits that cannot exist, with rule codes', async () => {
      const cases: Array<[Record<string, unknown>, string]> = [
        [{ validFrom: '2026-06-01', validTo: '2026-05-31' }, 'validity-order'],
        [{ validTo: '2032-01-01' }, 'validity-too-long'],
        [{ wasteCodes: ['999-999-99'] }, 'unknown-waste-code'],
        [{ wasteCategories: ['HW42'] }, 'unknown-category'],
        [{ wasteCodes: [], wasteCategories: [] }, 'empty-scope'],
        [{ annualCapacityTonnes: undefined }, 'capacity-required'],
        [{ facilityAddress: undefined }, 'facility-address-required'],
        [{ operationModes: ['TRANSPORT'] }, 'operation-mode-not-allowed'],
        [
          {
            kind: 'HW_OPERATING_COLLECTION',
            operationModes: ['COLLECTION', 'DISPOSAL'],
            wasteCodes: ['900-214-08'],
            wasteCategories: [],
          },
          'operation-mode-not-allowed',
        ],
        [
          {
            kind: 'HW_OPERATING_COLLECTION',
            operationModes: ['COLLECTION'],
            wasteCodes: ['900-052-31'],
            wasteCategories: [],
          },
          'collection-licence-scope',
        ],
        [{ kind: 'MEDICAL_WASTE_DISPOSAL', wasteCodes: ['841-001-01'] }, 'medical-scope'],
        [
          {
            kind: 'ROAD_DANGEROUS_GOODS_TRANSPORT',
            operationModes: undefined,
            wasteCodes: [],
            wasteCategories: ['HW01', 'HW08'],
          },
          'dedicated-medical-vehicle',
        ],
      ];
      for (const [over, code] of cases) {
        const res = await t
          .http()
          .post('/v1/permits')
          .set(regulator.auth)
          .send(comprehensive(treater.organisationId, over))
          .expect(400);
        const codes = (res.body.errors as Array<{ code: string }>).map((e) => e.code);
        assert.ok(codes.includes(code), `${JSON.stringify(over)} → ${codes.join(',')}`);
      }
    });
    it('a transport permit defaults to TRANSPORT; a dedicated medical-waste one carries HW01', async () => {
      const permit = await createPermit({
        organisationId: transporter.organisationId,
        kind: 'ROAD_DANGEROUS_GOODS_TRANSPORT',
        number: '鲁交运管许可聊字371502000001号',
        wasteCategories: ['HW01'],
        dedicatedMedicalWaste: true,
        validFrom: '2026-01-01',
        validTo: '2029-12-31',
        issuer: '聊城市交通运输局',
      });
      assert.deepEqual(permit.operationModes, ['TRANSPORT']);
      assert.equal(permit.dedicatedMedicalWaste, true);
      assert.equal(permit.annualCapacityTonnes, null);
    });
  });

  describe('reading permits', () => {
    let permitId: string;
    before(async () => {
      permitId = (await createPermit(comprehensive(treater.organisationId, { number: 'READ-1' }))).id;
    });
    it('401 without a key', async () => {
      await t.http().get('/v1/permits').expect(401);
      await t.http().get(`/v1/permits/${permitId}`).expect(401);
    });
    it('the holder sees its own, with history', async () => {
      const res = await t.http().get(`/v1/permits/${permitId}`).set(treater.auth).expect(200);
      assert.equal(res.body.number, 'READ-1');
      assert.equal(res.body.history.length, 1);
      const list = await t.http().get('/v1/permits?limit=200').set(treater.auth).expect(200);
      assert.ok((list.body.items as Array<{ id: string }>).some((p) => p.id === permitId));
    });
    it('another member gets 404 and an empty list; a regulator outside gets 404', async () => {
      const res = await t.http().get(`/v1/permits/${permitId}`).set(generator.auth).expect(404);
      assert.equal(res.body.code, 'not-found');
      const list = await t.http().get('/v1/permits?limit=200').set(generator.auth).expect(200);
      assert.deepEqual(list.body.items, []);
      await t.http().get(`/v1/permits/${permitId}`).set(outsider.auth).expect(404);
      const outside = await t.http().get('/v1/permits?limit=200').set(outsider.auth).expect(200);
      assert.deepEqual(outside.body.items, []);
    });
    it('the regulator in jurisdiction and the admin see it; filters apply', async () => {
      await t.http().get(`/v1/permits/${permitId}`).set(regulator.auth).expect(200);
      await t.http().get(`/v1/permits/${permitId}`).set(t.admin).expect(200);
      const byOrg = await t
        .http()
        .get(
          `/v1/permits?organisationId=${treater.organisationId}&kind=HW_OPERATING_COMPREHENSIVE&status=ACTIVE&limit=200`,
        )
        .set(regulator.auth)
        .expect(200);
      const items = byOrg.body.items as Array<{ organisationId: string; kind: string; status: string }>;
      assert.ok(items.length >= 1);
      assert.ok(items.every((p) => p.organisationId === treater.organisationId && p.status === 'ACTIVE'));
    });
    it('400 for a bad id or filter; 404 for an unknown id', async () => {
      await t.http().get('/v1/permits/not-a-uuid').set(regulator.auth).expect(400);
      await t.http().get('/v1/permits?status=DORMANT').set(regulator.auth).expect(400);
      await t.http().get('/v1/permits/00000000-0000-4000-8000-000000000000').set(regulator.auth).expect(404);
    });
    it('400, never 5xx, for forged cursors', async () => {
      const forge = (k: unknown, id: unknown) => Buffer.from(JSON.stringify([k, id])).toString('base64url');
      for (const cursor of [
        forge('x', 'y'),
        forge('2026-01-01T00:00:00.000Z', 'y'),
        forge('9999-99-99T99:99:99Z', permitId),
        'garbage',
      ]) {
        const res = await t.http().get(`/v1/permits?cursor=${cursor}`).set(regulator.auth).expect(400);
        assert.equal(res.body.errors[0].field, 'cursor');
        await t
          .http()
          .get(`/v1/organisations/${treater.organisationId}/credit-grades?cursor=${cursor}`)
          .set(regulator.auth)
          .expect(400);
      }
    });
    it('cursor pagination walks every visible permit once', async () => {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const url: string = `/v1/permits?limit=2${cursor ? `&cursor=${cursor}` : ''}`;
        const page = await t.http().get(url).set(t.admin).expect(200);
        seen.push(...(page.body.items as Array<{ id: string }>).map((p) => p.id));
        cursor = page.body.nextCursor;
      } while (cursor);
      const total = await t.db.query('SELECT count(*)::int AS n FROM permits');
      assert.equal(seen.length, total.rows[0].n);
      assert.equal(new Set(seen).size, seen.length);
    });
  });

  describe('lifecycle', () => {
    /** Each test its own holder: a revocation bars the holder from new HW licences. */
    const freshPermit = async (over: Record<string, unknown> = {}) => {
      const holder = await createActor(t, { roles: ['TREATER'], region: '371502' });
      return createPermit(comprehensive(holder.organisationId, over));
    };
    const post = (id: string, action: string, auth = regulator.auth, reason: unknown = `test ${action}`) =>
      t.http().post(`/v1/permits/${id}/${action}`).set(auth).send({ reason });

    it('auth matrix: 401, 403 for the holder, 404 outside the jurisdiction, 400 without a reason', async () => {
      const holder = await createActor(t, { roles: ['TREATER'], region: '371502' });
      const { id } = await createPermit(comprehensive(holder.organisationId));
      await t.http().post(`/v1/permits/${id}/suspend`).send({ reason: 'x' }).expect(401);
      await post(id, 'suspend', holder.auth).expect(403);
      await post(id, 'suspend', outsider.auth).expect(404);
      const noReason = await t.http().post(`/v1/permits/${id}/suspend`).set(regulator.auth).send({}).expect(400);
      assert.deepEqual(fieldsOf(noReason), ['reason', 'reason', 'reason']);
      await post(id, 'suspend', regulator.auth, '   ').expect(400);
      await post('00000000-0000-4000-8000-000000000000', 'suspend').expect(404);
      const rows = await t.db.query('SELECT status FROM permits WHERE id = $1', [id]);
      assert.equal(rows.rows[0].status, 'ACTIVE');
    });
    it('ACTIVE → SUSPENDED → ACTIVE → REVOKED, each change with reason, actor and time', async () => {
      const { id } = await freshPermit();
      assert.equal((await post(id, 'suspend', regulator.auth, '超范围经营').expect(200)).body.status, 'SUSPENDED');
      assert.equal((await post(id, 'reinstate').expect(200)).body.status, 'ACTIVE');
      const revoked = (await post(id, 'revoke', t.admin, '逾期未整改').expect(200)).body;
      assert.equal(revoked.status, 'REVOKED');
      assert.deepEqual(revoked.allowedActions, []);
      assert.deepEqual(
        revoked.history.map((h: { action: string; fromState: string | null; toState: string }) => [
          h.action,
          h.fromState,
          h.toState,
        ]),
        [
          ['ISSUE', null, 'ACTIVE'],
          ['SUSPEND', 'ACTIVE', 'SUSPENDED'],
          ['REINSTATE', 'SUSPENDED', 'ACTIVE'],
          ['REVOKE', 'ACTIVE', 'REVOKED'],
        ],
      );
      const rows = await t.db.query(
        'SELECT reason, actor, occurred_at FROM permit_status_changes WHERE permit_id = $1 ORDER BY id',
        [id],
      );
      assert.equal(rows.rows[1].reason, '超范围经营');
      assert.equal(rows.rows[1].actor, `member:${regulator.memberId}`);
      assert.equal(rows.rows[3].actor, 'platform-admin:env');
      assert.ok(rows.rows.every((r: { occurred_at: Date }) => r.occurred_at instanceof Date));
    });
    it('illegal transitions answer 409 with the current state, and change nothing', async () => {
      const { id } = await freshPermit();
      const res = await post(id, 'reinstate').expect(409);
      assert.equal(res.body.code, 'permit-illegal-transition');
      assert.equal(res.body.currentState, 'ACTIVE');
      await post(id, 'cancel').expect(200);
      const again = await post(id, 'revoke').expect(409);
      assert.equal(again.body.currentState, 'CANCELLED');
      assert.deepEqual(again.body.allowedActions, []);
      const rows = await t.db.query('SELECT count(*)::int AS n FROM permit_status_changes WHERE permit_id = $1', [id]);
      assert.equal(rows.rows[0].n, 2);
    });
    it('EXPIRED is derived from valid_to: it cannot be suspended, but can be cancelled', async () => {
      const { id, status } = await freshPermit({ validFrom: '2021-01-01', validTo: '2025-12-31' });
      assert.equal(status, 'EXPIRED');
      const res = await post(id, 'suspend').expect(409);
      assert.equal(res.body.currentState, 'EXPIRED');
      const cancelled = (await post(id, 'cancel').expect(200)).body;
      assert.equal(cancelled.status, 'CANCELLED');
      assert.equal(cancelled.history[1].fromState, 'EXPIRED');
      const list = await t.http().get(`/v1/permits?status=CANCELLED&limit=200`).set(regulator.auth).expect(200);
      assert.ok((list.body.items as Array<{ id: string }>).some((p) => p.id === id));
    });
    it('simultaneous suspensions: exactly one applies, the others get 409', async () => {
      const { id } = await freshPermit();
      const results = await Promise.all(Array.from({ length: 8 }, () => post(id, 'suspend')));
      const statuses = results.map((r) => r.status).sort();
      assert.deepEqual(statuses, [200, 409, 409, 409, 409, 409, 409, 409]);
      assert.ok(results.filter((r) => r.status === 409).every((r) => r.body.currentState === 'SUSPENDED'));
      const rows = await t.db.query(
        `SELECT count(*)::int AS n FROM permit_status_changes WHERE permit_id = $1 AND action = 'SUSPEND'`,
        [id],
      );
      assert.equal(rows.rows[0].n, 1);
    });
    it('simultaneous revoke and cancel: one wins, the permit ends in the winner’s state', async () => {
      const { id } = await freshPermit();
      const [revoke, cancel] = await Promise.all([post(id, 'revoke'), post(id, 'cancel')]);
      assert.deepEqual([revoke.status, cancel.status].sort(), [200, 409]);
      const winner = revoke.status === 200 ? 'REVOKED' : 'CANCELLED';
      const row = await t.db.query('SELECT status FROM permits WHERE id = $1', [id]);
      assert.equal(row.rows[0].status, winner);
      const history = await t.db.query(
        `SELECT count(*)::int AS n FROM permit_status_changes WHERE permit_id = $1 AND action IN ('REVOKE', 'CANCEL')`,
        [id],
      );
      assert.equal(history.rows[0].n, 1);
    });
    it('a retried suspension with the same Idempotency-Key replays the first answer and writes once', async () => {
      const { id } = await freshPermit();
      const first = await t
        .http()
        .post(`/v1/permits/${id}/suspend`)
        .set(regulator.auth)
        .set('Idempotency-Key', `s-${id}`)
        .send({ reason: 'r' })
        .expect(200);
      const second = await t
        .http()
        .post(`/v1/permits/${id}/suspend`)
        .set(regulator.auth)
        .set('Idempotency-Key', `s-${id}`)
        .send({ reason: 'r' })
        .expect(200);
      assert.equal(second.headers['idempotent-replayed'], 'true');
      assert.deepEqual(second.body, first.body);
      const rows = await t.db.query(`SELECT count(*)::int AS n FROM permit_status_changes WHERE permit_id = $1`, [id]);
      assert.equal(rows.rows[0].n, 2);
    });
    it('the database keeps the history forever: UPDATE, DELETE and deleting a permit are refused', async () => {
      const { id } = await freshPermit();
      await assert.rejects(
        t.db.query(`UPDATE permit_status_changes SET reason = 'rewritten' WHERE permit_id = $1`, [id]),
        /kept forever/,
      );
      await assert.rejects(t.db.query(`DELETE FROM permit_status_changes WHERE permit_id = $1`, [id]), /kept forever/);
      await assert.rejects(t.db.query(`DELETE FROM permits WHERE id = $1`, [id]), /kept forever/);
      await assert.rejects(t.db.query(`TRUNCATE permit_status_changes CASCADE`), /kept forever/);
    });
  });

  describe('5-year re-entry bar', () => {
    it('a revoked HW licence bars any new HW licence for the legal entity: 422 with a clear code', async () => {
      const operator = await createActor(t, { roles: ['TREATER', 'COLLECTOR'], region: '371502' });
      const { id } = await createPermit(comprehensive(operator.organisationId));
      await t.http().post(`/v1/permits/${id}/revoke`).set(regulator.auth).send({ reason: '吊销' }).expect(200);
      const today = chinaDate();
      for (const body of [
        comprehensive(operator.organisationId),
        comprehensive(operator.organisationId, {
          kind: 'HW_OPERATING_COLLECTION',
          operationModes: ['COLLECTION'],
          wasteCodes: ['900-214-08'],
          wasteCategories: [],
          validTo: '2028-12-31',
        }),
      ]) {
        const res = await t.http().post('/v1/permits').set(t.admin).send(body).expect(422);
        assert.match(res.headers['content-type'], PROBLEM);
        assert.equal(res.body.code, 'permit-reentry-barred');
        assert.equal(res.body.revokedPermitId, id);
        assert.equal(res.body.revokedOn, today);
        assert.equal(res.body.barredUntil, addYears(today, 5));
      }
    });
    it('it does not bar another kind family (road transport)', async () => {
      const operator = await createActor(t, { roles: ['TREATER', 'TRANSPORTER'], region: '371502' });
      const { id } = await createPermit(comprehensive(operator.organisationId));
      await t.http().post(`/v1/permits/${id}/revoke`).set(regulator.auth).send({ reason: '吊销' }).expect(200);
      await createPermit({
        organisationId: operator.organisationId,
        kind: 'ROAD_DANGEROUS_GOODS_TRANSPORT',
        number: 'T-1',
        wasteCategories: ['HW08'],
        validFrom: '2026-01-01',
        validTo: '2029-12-31',
        issuer: '聊城市交通运输局',
      });
    });
    it('the bar lasts until the fifth anniversary of the revocation, then lifts', async () => {
      const today = chinaDate();
      const revokeOn = async (date: string) => {
        const operator = await createActor(t, { roles: ['TREATER'], region: '371502' });
        const { id } = await createPermit(comprehensive(operator.organisationId));
        // A revocation recorded in the past (history is append-only, so it is inserted, not edited).
        await t.db.query(
          `INSERT INTO permit_status_changes (permit_id, action, from_state, to_state, reason, actor, occurred_at)
           VALUES ($1, 'REVOKE', 'ACTIVE', 'REVOKED', 'historic', 'test', $2)`,
          [id, `${date}T12:00:00+08:00`],
        );
        return operator;
      };
      // Revoked exactly 5 years ago today: the bar has just lifted.
      const lifted = await revokeOn(addYears(today, -5));
      await createPermit(comprehensive(lifted.organisationId));
      const dayAfter = new Date(`${addYears(today, -5)}T00:00:00Z`);
      dayAfter.setUTCDate(dayAfter.getUTCDate() + 1);
      const barred = await revokeOn(dayAfter.toISOString().slice(0, 10));
      const res = await t
        .http()
        .post('/v1/permits')
        .set(t.admin)
        .send(comprehensive(barred.organisationId))
        .expect(422);
      assert.equal(res.body.barredUntil, addYears(dayAfter.toISOString().slice(0, 10), 5));
    });
  });

  describe('credit grades', () => {
    const grade = (over: Record<string, unknown> = {}) => ({
      grade: 'YELLOW',
      issuer: '聊城市生态环境局',
      validFrom: '2026-01-01',
      sourceDocument: '聊环发〔2026〕1号',
      ...over,
    });
    const path = (org: string) => `/v1/organisations/${org}/credit-grades`;

    it('POST auth matrix: 401, 403 non-regulator (and the platform admin), 404 outside, 400 bad body', async () => {
      await t.http().post(path(generator.organisationId)).send(grade()).expect(401);
      await t.http().post(path(generator.organisationId)).set(generator.auth).send(grade()).expect(403);
      await t.http().post(path(generator.organisationId)).set(t.admin).send(grade()).expect(403);
      await t.http().post(path(generator.organisationId)).set(regulatorDriver.auth).send(grade()).expect(403);
      await t.http().post(path(generator.organisationId)).set(outsider.auth).send(grade()).expect(404);
      const bad = await t
        .http()
        .post(path(generator.organisationId))
        .set(regulator.auth)
        .send({ grade: 'PURPLE', issuer: '', validFrom: 'today', sourceDocument: 5 })
        .expect(400);
      assert.deepEqual([...new Set(fieldsOf(bad))].sort(), ['grade', 'issuer', 'sourceDocument', 'validFrom']);
      const order = await t
        .http()
        .post(path(generator.organisationId))
        .set(regulator.auth)
        .send(grade({ validTo: '2025-12-31' }))
        .expect(400);
      assert.deepEqual(fieldsOf(order), ['validTo']);
      await t.http().post(path('not-a-uuid')).set(regulator.auth).send(grade()).expect(400);
    });
    it('a regulator records grades; history is kept and the latest in force is current', async () => {
      const first = await t
        .http()
        .post(path(otherGenerator.organisationId))
        .set(regulator.auth)
        .send(grade({ grade: 'GREEN' }))
        .expect(201);
      assert.equal(first.body.createdBy, `member:${regulator.memberId}`);
      await t
        .http()
        .post(path(otherGenerator.organisationId))
        .set(regulator.auth)
        .send(grade({ grade: 'BLACK', validTo: '2099-12-31' }))
        .expect(201);
      const res = await t.http().get(path(otherGenerator.organisationId)).set(otherGenerator.auth).expect(200);
      assert.deepEqual(
        (res.body.items as Array<{ grade: string }>).map((g) => g.grade),
        ['GREEN', 'BLACK'],
      );
      assert.equal(res.body.current.grade, 'BLACK');
      await assert.rejects(
        t.db.query(`UPDATE credit_grades SET grade = 'GREEN' WHERE organisation_id = $1`, [
          otherGenerator.organisationId,
        ]),
        /kept forever/,
      );
    });
    it('GET: the organisation, its regulator and the admin read; others get 404', async () => {
      await t.http().get(path(otherGenerator.organisationId)).expect(401);
      await t.http().get(path(otherGenerator.organisationId)).set(regulator.auth).expect(200);
      await t.http().get(path(otherGenerator.organisationId)).set(t.admin).expect(200);
      await t.http().get(path(otherGenerator.organisationId)).set(generator.auth).expect(404);
      await t.http().get(path(otherGenerator.organisationId)).set(outsider.auth).expect(404);
      const none = await t.http().get(path(generator.organisationId)).set(generator.auth).expect(200);
      assert.equal(none.body.current, null);
    });
  });

  describe('GET /v1/permits/check and PermitCheckService', () => {
    let facility: Actor;
    let permitId: string;
    const check = (query: Record<string, string>, auth = generator.auth) =>
      t
        .http()
        .get(`/v1/permits/check?${new URLSearchParams(query).toString()}`)
        .set(auth);
    const q = (over: Record<string, string> = {}) => ({
      organisationId: facility.organisationId,
      wasteCode: '900-214-08',
      operation: 'DISPOSAL',
      date: '2026-06-01',
      quantity: '5',
      unit: 't',
      ...over,
    });
    const rulesOf = (findings: Array<{ rule: string }>) => findings.map((f) => f.rule);

    before(async () => {
      facility = await createActor(t, { roles: ['TREATER'], region: '371502' });
      permitId = (await createPermit(comprehensive(facility.organisationId, { number: '鲁危证CHECK号' }))).id;
      const usage = t.app.get(PermitUsageRepository);
      await t.app.get(DataSource).transaction(async (manager) => {
        const rec = (at: string, tonnes: bigint, reference: string) =>
          usage.record(manager, { permitId, occurredAt: new Date(at), quantityGrams: tonnes * 1_000_000n, reference });
        await rec('2025-12-31T23:59:59+08:00', 500n, 'previous-year');
        await rec('2026-03-01T10:00:00+08:00', 60n, 'march');
        await rec('2026-12-31T23:30:00+08:00', 40n, 'new-year-eve');
        await rec('2027-01-01T00:00:00+08:00', 500n, 'next-year');
      });
    });

    it('auth matrix: 401; 400 for bad parameters; 404 for an organisation the caller cannot see', async () => {
      await t
        .http()
        .get(`/v1/permits/check?${new URLSearchParams(q()).toString()}`)
        .expect(401);
      for (const [over, field] of [
        [{ wasteCode: '90021408' }, 'wasteCode'],
        [{ unit: 'lb' }, 'unit'],
        [{ quantity: '1.0001', unit: 'kg' }, 'quantity'],
        [{ quantity: '-3' }, 'quantity'],
        [{ operation: 'X9' }, 'operation'],
        [{ date: '2026-02-30' }, 'date'],
        [{ organisationId: 'x' }, 'organisationId'],
      ] as Array<[Record<string, string>, string]>) {
        const res = await check(q(over)).expect(400);
        assert.ok(fieldsOf(res).includes(field), `${JSON.stringify(over)}: ${fieldsOf(res).join(',')}`);
      }
      await check(q({ organisationId: otherGenerator.organisationId })).expect(404);
      await check(q(), outsider.auth).expect(200);
    });
    it('allowed under the licence covering HW08 for disposal, naming the permit', async () => {
      const res = await check(q()).expect(200);
      assert.equal(res.body.allowed, true);
      assert.equal(res.body.permitId, permitId);
      assert.equal(res.body.permitNumber, '鲁危证CHECK号');
      assert.equal(res.body.quantityGrams, '5000000');
      assert.deepEqual(res.body.refusals, []);
    });
    it('a Chinese method code stands for its mode: D10 is a disposal, R9 a utilisation the licence does not cover', async () => {
      const d10 = await check(q({ operation: 'D10' })).expect(200);
      assert.equal(d10.body.allowed, true);
      assert.equal(d10.body.operation, 'DISPOSAL');
      const r9 = await check(q({ operation: 'R9' })).expect(200);
      assert.deepEqual(rulesOf(r9.body.refusals), ['OPERATION_NOT_COVERED']);
    });
    it('CODE_OUT_OF_SCOPE and NOT_LICENSED', async () => {
      const scope = await check(q({ wasteCode: '900-041-49' })).expect(200);
      assert.equal(scope.body.allowed, false);
      assert.deepEqual(rulesOf(scope.body.refusals), ['CODE_OUT_OF_SCOPE']);
      const none = await check(q({ organisationId: transporter.organisationId })).expect(200);
      assert.deepEqual(rulesOf(none.body.refusals), ['NOT_LICENSED']);
    });
    it('validity edges: valid_from and valid_to are inclusive', async () => {
      assert.deepEqual(rulesOf((await check(q({ date: '2025-12-31', quantity: '0' })).expect(200)).body.refusals), [
        'PERMIT_NOT_YET_VALID',
      ]);
      assert.equal((await check(q({ date: '2026-01-01', quantity: '0' })).expect(200)).body.allowed, true);
      assert.equal((await check(q({ date: '2030-12-31', quantity: '0' })).expect(200)).body.allowed, true);
      assert.deepEqual(rulesOf((await check(q({ date: '2031-01-01', quantity: '0' })).expect(200)).body.refusals), [
        'PERMIT_EXPIRED',
      ]);
    });
    it('capacity accumulates over the calendar year in China time (100 t licence)', async () => {
      // 1 June: only March counts (60 t) + 10 t = 70%.
      const june = await check(q({ quantity: '10' }), regulator.auth).expect(200);
      assert.equal(june.body.allowed, true);
      assert.deepEqual(june.body.warnings, []);
      // 31 December: 60 + 40 = 100 t already, the previous and next year excluded → exactly 100%: warned.
      const full = await check(q({ date: '2026-12-31', quantity: '0' }), regulator.auth).expect(200);
      assert.equal(full.body.allowed, true);
      assert.deepEqual(rulesOf(full.body.warnings), ['CAPACITY']);
      assert.equal(full.body.warnings[0].details.usedGrams, '100000000');
      assert.equal(full.body.warnings[0].details.projectedPercent, '100.00');
      // Exactly 120%: allowed with the warning; one gram more: refused.
      const at120 = await check(q({ date: '2026-12-31', quantity: '20' }), regulator.auth).expect(200);
      assert.equal(at120.body.allowed, true);
      assert.equal(at120.body.warnings[0].details.projectedPercent, '120.00');
      const over = await check(q({ date: '2026-12-31', quantity: '20.000001' }), regulator.auth).expect(200);
      assert.equal(over.body.allowed, false);
      assert.deepEqual(rulesOf(over.body.refusals), ['CAPACITY']);
      // 2027 starts afresh: only its own 500 t count, and that is already above 120%.
      const next = await check(q({ date: '2027-01-01', quantity: '0' }), regulator.auth).expect(200);
      assert.deepEqual(rulesOf(next.body.refusals), ['CAPACITY']);
      assert.equal(next.body.refusals[0].details.usedGrams, '500000000');
    });
    it('a generator sees the rule but not the holder’s quantities', async () => {
      const res = await check(q({ date: '2026-12-31', quantity: '0' })).expect(200);
      assert.deepEqual(rulesOf(res.body.warnings), ['CAPACITY']);
      assert.equal(res.body.warnings[0].details, undefined);
    });
    it('recording the same usage reference twice counts once', async () => {
      const usage = t.app.get(PermitUsageRepository);
      const inserted = await t.app.get(DataSource).transaction((m) =>
        usage.record(m, {
          permitId,
          occurredAt: new Date('2026-03-01T10:00:00+08:00'),
          quantityGrams: 1,
          reference: 'march',
        }),
      );
      assert.equal(inserted, false);
    });
    it('PERMIT_SUSPENDED while suspended, allowed again once reinstated', async () => {
      await t.http().post(`/v1/permits/${permitId}/suspend`).set(regulator.auth).send({ reason: '整改' }).expect(200);
      assert.deepEqual(rulesOf((await check(q()).expect(200)).body.refusals), ['PERMIT_SUSPENDED']);
      await t
        .http()
        .post(`/v1/permits/${permitId}/reinstate`)
        .set(regulator.auth)
        .send({ reason: '已整改' })
        .expect(200);
      assert.equal((await check(q()).expect(200)).body.allowed, true);
    });
    it('BLACKLISTED: a BLACK credit grade warns', async () => {
      await t
        .http()
        .post(`/v1/organisations/${facility.organisationId}/credit-grades`)
        .set(regulator.auth)
        .send({
          grade: 'BLACK',
          issuer: '山东省生态环境厅',
          validFrom: '2026-05-01',
          sourceDocument: '鲁环发〔2026〕9号',
        })
        .expect(201);
      const res = await check(q()).expect(200);
      assert.equal(res.body.allowed, true);
      assert.equal(res.body.creditGrade, 'BLACK');
      assert.deepEqual(rulesOf(res.body.warnings), ['BLACKLISTED']);
      const before = await check(q({ date: '2026-04-30' })).expect(200);
      assert.equal(before.body.creditGrade, null);
    });
    it('transport needs a transport permit', async () => {
      const carrier = await createActor(t, { roles: ['TRANSPORTER'], region: '371502' });
      await createPermit({
        organisationId: carrier.organisationId,
        kind: 'ROAD_DANGEROUS_GOODS_TRANSPORT',
        number: 'T-CHECK',
        wasteCategories: ['HW08'],
        validFrom: '2026-01-01',
        validTo: '2029-12-31',
        issuer: '聊城市交通运输局',
      });
      assert.equal(
        (await check(q({ organisationId: carrier.organisationId, operation: 'TRANSPORT' })).expect(200)).body.allowed,
        true,
      );
      assert.deepEqual(
        rulesOf((await check(q({ organisationId: carrier.organisationId })).expect(200)).body.refusals),
        ['NOT_LICENSED'],
      );
    });
    it('the exported service takes an instant (its China date) and runs inside a caller’s transaction', async () => {
      const service = t.app.get(PermitCheckService);
      const result = await t.app.get(DataSource).transaction((manager) =>
        service.check(
          {
            organisationId: facility.organisationId,
            wasteCode: '900-052-31',
            operation: 'STORAGE',
            date: new Date('2025-12-31T16:30:00Z'), // 2026-01-01 00:30 in China
            quantityGrams: 1_000_000n,
          },
          manager,
        ),
      );
      assert.equal(result.date, '2026-01-01');
      assert.equal(result.allowed, true);
      assert.equal(result.permitId, permitId);
      assert.equal(result.quantityGrams, 1_000_000n);
    });
    it('the exported service refuses malformed input with a validation error, not a database error', async () => {
      const service = t.app.get(PermitCheckService);
      const base = {
        organisationId: facility.organisationId,
        wasteCode: '900-214-08',
        operation: 'DISPOSAL',
        date: '2026-06-01',
        quantityGrams: 0,
      };
      for (const bad of [
        { organisationId: 'nope' },
        { wasteCode: '900214-08' },
        { operation: 'BURN' },
        { date: '2026-13-01' },
        { quantityGrams: -1 },
        { quantityGrams: 1.5 },
      ]) {
        await assert.rejects(
          service.check({ ...base, ...bad }),
          { name: 'ValidationFailedError' },
          JSON.stringify(bad),
        );
      }
    });
  });

  describe('robustness', () => {
    it('no generated body makes POST /v1/permits answer 5xx', async () => {
      const code = fc.oneof(fc.constantFrom('900-214-08', '900-000-49', '999-999-99', '841-001-01'), fc.string());
      const field = <T>(valid: fc.Arbitrary<T>) => fc.oneof(valid, fc.jsonValue(), fc.string());
      const body = fc.oneof(
        fc.jsonValue(),
        fc.record(
          {
            organisationId: field(
              fc.constantFrom(
                treater.organisationId,
                transporter.organisationId,
                '00000000-0000-4000-8000-000000000000',
              ),
            ),
            kind: field(
              fc.constantFrom(
                'HW_OPERATING_COMPREHENSIVE',
                'HW_OPERATING_COLLECTION',
                'ROAD_DANGEROUS_GOODS_TRANSPORT',
                'MEDICAL_WASTE_DISPOSAL',
              ),
            ),
            number: field(fc.string({ minLength: 1, maxLength: 120, unit: 'binary' })),
            operationModes: field(
              fc.array(fc.constantFrom('COLLECTION', 'STORAGE', 'UTILISATION', 'DISPOSAL', 'TRANSPORT')),
            ),
            wasteCodes: field(fc.array(code, { maxLength: 5 })),
            wasteCategories: field(
              fc.array(fc.oneof(fc.constantFrom('HW08', 'HW01', 'HW42', 'HW99'), fc.string()), { maxLength: 4 }),
            ),
            annualCapacityTonnes: field(
              fc.oneof(fc.double(), fc.integer(), fc.stringMatching(/^\d{1,14}(\.\d{1,8})?$/), fc.bigInt().map(String)),
            ),
            facilityAddress: field(fc.string({ unit: 'binary' })),
            validFrom: field(
              fc.oneof(
                fc.date({ noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)),
                fc.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
              ),
            ),
            validTo: field(
              fc.oneof(
                fc.date({ noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)),
                fc.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
              ),
            ),
            issuer: field(fc.string({ unit: 'binary' })),
            dedicatedMedicalWaste: field(fc.boolean()),
            collectionPilot: field(fc.boolean()),
          },
          { requiredKeys: [] },
        ),
      );
      await fc.assert(
        fc.asyncProperty(body, async (b) => {
          const res = await t
            .http()
            .post('/v1/permits')
            .set(t.admin)
            .set('Content-Type', 'application/json')
            .send(JSON.stringify(b) ?? 'null');
          assert.ok(res.status < 500, `${res.status} for ${JSON.stringify(b)}: ${JSON.stringify(res.body)}`);
        }),
        { numRuns: 300 },
      );
    });
    it('no raw text body makes it answer 5xx', async () => {
      await fc.assert(
        fc.asyncProperty(fc.string({ unit: 'binary', maxLength: 200 }), async (raw) => {
          const res = await t.http().post('/v1/permits').set(t.admin).set('Content-Type', 'application/json').send(raw);
          assert.ok(res.status < 500, `${res.status} for ${JSON.stringify(raw)}`);
        }),
        { numRuns: 100 },
      );
    });
  });
});
