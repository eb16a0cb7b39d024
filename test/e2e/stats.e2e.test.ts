import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { chinaDate } from '../../src/common/time/china-date';
import { draftFor, runLifecycle } from '../support/audit';
import { createLot, now } from '../support/lots';
import { district, draftBody, type District } from '../support/manifests';
import { createActor, startTestApp, type Actor, type TestApp } from '../support/test-app';

const HOUR = 3_600_000;
const ago = (hours: number) => new Date(Date.now() - hours * HOUR).toISOString();
const YEAR = chinaDate().slice(0, 4);

describe('statistics: GET /v1/stats/tonnage and /v1/stats/medical-collection', () => {
  let t: TestApp;
  let d: District;
  let jinan: Actor;
  let beijing: Actor;
  let pickupMonth: string;
  let hospitals: Record<string, Actor>;

  before(async () => {
    t = await startTestApp();
    d = await district(t);
    // Generated in 2024: 聊城 (3715) two HW49 lots in June and one HW08 tonne in July; 济南 (3701) 2 kg HW49; 北京 5 kg.
    const a = await createLot(t, d.generator);
    await createLot(t, d.generator);
    const oil = await createLot(t, d.generator, {
      wasteCode: '900-214-08',
      quantity: { value: '1', unit: 't' },
      occurredAt: '2024-07-15T08:00:00+08:00',
    });
    jinan = await createActor(t, { roles: ['GENERATOR'], region: '370102', name: '济南实验室' });
    const lab = await createLot(t, jinan, { quantity: { value: '2', unit: 'kg' } });
    beijing = await createActor(t, { roles: ['GENERATOR'], region: '110101', name: '北京大厂' });
    await createLot(t, beijing, { quantity: { value: '5', unit: 'kg' } });
    // This year: A is transferred and disposed of by the treater (12.3 kg weighed); the oil is
    // disposed of in house; the lab treats its lot, then disposes of the residue (counted once).
    const m = await draftFor(t, d, draftBody(d, [a.id]));
    await runLifecycle(t, d, m.id, ['12.3']);
    const pickup = (await t.http().get(`/v1/manifests/${m.id}`).set(d.generator.auth).expect(200)).body.steps[1];
    pickupMonth = chinaDate(new Date(pickup.occurredAt)).slice(0, 7);
    const event = (actor: Actor, lotId: string, type: string) =>
      t
        .http()
        .post(`/v1/lots/${lotId}/events`)
        .set(actor.auth)
        .send({ type, occurredAt: now(), handlerName: '钱七', operationCode: type === 'TREATED' ? 'R4' : 'D10' })
        .expect(201);
    await event(d.generator, oil.id, 'DISPOSED');
    await event(jinan, lab.id, 'TREATED');
    await event(jinan, lab.id, 'DISPOSED');

    // Medical institutions, a dedicated medical carrier and a medical-waste disposer.
    const carrier = await createActor(t, { roles: ['TRANSPORTER'], region: '371502', name: '医废专运' });
    const disposer = await createActor(t, { roles: ['TREATER'], region: '371502', name: '聊城医废处置中心' });
    const permit = (organisationId: string, over: Record<string, unknown>) =>
      t
        .http()
        .post('/v1/permits')
        .set(d.regulator.auth)
        .send({
          organisationId,
          number: `P-${organisationId.slice(0, 8)}`,
          wasteCategories: ['HW01'],
          validFrom: '2024-01-01',
          validTo: '2028-12-31',
          issuer: '聊城市生态环境局',
          ...over,
        })
        .expect(201);
    await permit(carrier.organisationId, {
      kind: 'ROAD_DANGEROUS_GOODS_TRANSPORT',
      operationModes: ['TRANSPORT'],
      dedicatedMedicalWaste: true,
    });
    await permit(disposer.organisationId, {
      kind: 'MEDICAL_WASTE_DISPOSAL',
      operationModes: ['COLLECTION', 'STORAGE', 'DISPOSAL'],
      annualCapacityTonnes: '500',
      facilityAddress: '聊城市东昌府区医废路1号',
    });
    hospitals = {};
    const medicalLot = async (h: Actor, hoursAgo: number) =>
      (await createLot(t, h, { wasteCode: '841-001-01', packagingType: 'BAG', occurredAt: ago(hoursAgo) })).id;
    const collect = async (h: Actor, lotId: string) => {
      const res = await t
        .http()
        .post('/v1/manifests')
        .set(h.auth)
        .send({
          consigneeId: disposer.organisationId,
          carriers: [
            {
              organisationId: carrier.organisationId,
              vehiclePlate: '鲁P0001医',
              operatingPermitNumber: '371502009999',
            },
          ],
          lines: [{ lotId, declared: { value: '12.345', unit: 'kg' } }],
          plannedDate: chinaDate(),
          plannedOperation: 'D10',
          emergencyMeasures: '专用周转箱，泄漏时消毒',
        })
        .expect(201);
      await t.http().post(`/v1/manifests/${res.body.id}/submit`).set(h.auth).send({ occurredAt: now() }).expect(200);
      await t
        .http()
        .post(`/v1/manifests/${res.body.id}/pickup`)
        .set(carrier.auth)
        .send({ occurredAt: now() })
        .expect(200);
    };
    for (const [key, region] of [
      ['onTime', '371502'],
      ['late', '371502'],
      ['overdue', '371521'],
      ['waiting', '371502'],
      ['self', '371502'],
    ]) {
      hospitals[key] = await createActor(t, { roles: ['GENERATOR'], region, name: `医院 ${key}` });
    }
    await collect(hospitals.onTime, await medicalLot(hospitals.onTime, 1));
    await collect(hospitals.late, await medicalLot(hospitals.late, 50));
    await medicalLot(hospitals.overdue, 50);
    await medicalLot(hospitals.waiting, 1);
    const own = await medicalLot(hospitals.self, 50);
    await t
      .http()
      .post(`/v1/lots/${own}/events`)
      .set(hospitals.self.auth)
      .send({ type: 'DISPOSED', occurredAt: now(), handlerName: '村医', operationCode: 'D10' })
      .expect(201);
  });
  after(() => t.close());

  const tonnage = (auth: Record<string, string> | null, query: string) => {
    const req = t.http().get(`/v1/stats/tonnage?${query}`);
    return auth ? req.set(auth) : req;
  };
  type Row = { period: string; group: string; region: string | null; grams: string; tonnes: string; count: number };
  const rows = (body: { rows: Row[] }) => body.rows.map((r) => [r.period, r.group, r.region, r.grams]);

  describe('auth matrix', () => {
    it('401, 403 for a driver, 404 outside the jurisdiction, 400 for a bad query', async () => {
      await tonnage(null, 'kind=generated').expect(401);
      await t.http().get('/v1/stats/medical-collection').expect(401);
      await tonnage(d.carrier1Driver.auth, 'kind=generated').expect(403);
      await t.http().get('/v1/stats/medical-collection').set(d.carrier1Driver.auth).expect(403);
      assert.equal((await tonnage(d.outsider.auth, 'kind=generated&region=37').expect(404)).body.code, 'not-found');
      await tonnage(d.regulator.auth, 'kind=generated&region=11').expect(404);
      await tonnage(d.generator.auth, 'kind=generated&region=11').expect(404);
      await t.http().get('/v1/stats/medical-collection?region=11').set(d.regulator.auth).expect(404);
      for (const q of [
        '',
        'kind=burned',
        'kind=generated&groupBy=colour',
        'kind=generated&period=week',
        'kind=generated&regionLevel=3',
        'kind=generated&region=37a',
        'kind=generated&from=2024-06-31',
        'kind=generated&from=2024-06-01&to=2024-01-01',
        'kind=generated&extra=1',
      ]) {
        assert.equal((await tonnage(d.regulator.auth, q).expect(400)).body.code, 'validation-failed', q);
      }
      await t.http().get('/v1/stats/medical-collection?from=soon').set(d.regulator.auth).expect(400);
    });
  });

  it('generated: by category and month over the jurisdiction, by region at any level, by code and year', async () => {
    const q = 'kind=generated&from=2024-01-01&to=2024-12-31';
    const month = (await tonnage(d.regulator.auth, q).expect(200)).body;
    assert.deepEqual(rows(month), [
      ['2024-06', 'HW49', null, '26690'],
      ['2024-07', 'HW08', null, '1000000'],
    ]);
    assert.deepEqual(month.totals, { grams: '1026690', tonnes: '1.02669', count: 4 });
    assert.deepEqual(month.scope, { kind: 'region', region: '37', organisationId: null });
    assert.equal(month.rows[0].tonnes, '0.02669');
    assert.match(month.method, /genesis quantity/);
    assert.deepEqual(rows((await tonnage(d.regulator.auth, `${q}&regionLevel=4`).expect(200)).body), [
      ['2024-06', 'HW49', '3701', '2000'],
      ['2024-06', 'HW49', '3715', '24690'],
      ['2024-07', 'HW08', '3715', '1000000'],
    ]);
    assert.deepEqual(rows((await tonnage(d.regulator.auth, `${q}&groupBy=code&period=year`).expect(200)).body), [
      ['2024', '900-041-49', null, '26690'],
      ['2024', '900-214-08', null, '1000000'],
    ]);
    assert.deepEqual(rows((await tonnage(d.regulator.auth, `${q}&region=370102`).expect(200)).body), [
      ['2024-06', 'HW49', null, '2000'],
    ]);
    // Another jurisdiction sees its own; the platform admin everything; a party only itself.
    assert.deepEqual(rows((await tonnage(d.outsider.auth, q).expect(200)).body), [['2024-06', 'HW49', null, '5000']]);
    assert.equal((await tonnage(t.admin, q).expect(200)).body.totals.grams, '1031690');
    const own = (await tonnage(d.generator.auth, q).expect(200)).body;
    assert.deepEqual(own.scope, { kind: 'organisation', region: null, organisationId: d.generator.organisationId });
    assert.equal(own.totals.grams, '1024690');
  });

  it('transferred and treated: the manifest’s pickup, the treater’s weighed disposal, in-house disposal once per lot', async () => {
    const q = `from=${YEAR}-01-01&to=${YEAR}-12-31`;
    const transferred = (await tonnage(d.regulator.auth, `kind=transferred&${q}&regionLevel=4`).expect(200)).body;
    const medicalMonth = transferred.rows.filter((r: Row) => r.group === 'HW01');
    assert.deepEqual(
      transferred.rows.filter((r: Row) => r.group !== 'HW01').map((r: Row) => [r.period, r.group, r.region, r.grams]),
      [[pickupMonth, 'HW49', '3715', '12345']],
    );
    assert.equal(
      medicalMonth.reduce((n: number, r: Row) => n + r.count, 0),
      2,
    ); // two hospital collections
    const treated = (await tonnage(d.regulator.auth, `kind=treated&${q}&regionLevel=4`).expect(200)).body;
    assert.deepEqual(
      treated.rows.map((r: Row) => [r.group, r.region, r.grams, r.count]),
      [
        ['HW01', '3715', '12345', 1],
        ['HW08', '3715', '1000000', 1],
        ['HW49', '3701', '14300', 2], // the treater's 12.3 kg and the lab's 2 kg (treated, then disposed: once)
      ],
    );
  });

  it('medical collection coverage: on time, late, overdue, not yet due, self-disposed', async () => {
    const { body } = await t.http().get('/v1/stats/medical-collection').set(d.regulator.auth).expect(200);
    assert.equal(body.limitHours, 48);
    const verdicts = Object.fromEntries(
      body.institutions.map((i: { institution: { name: string }; verdict: string }) => [i.institution.name, i.verdict]),
    );
    assert.deepEqual(verdicts, {
      '医院 onTime': 'ON_TIME',
      '医院 late': 'NOT_ON_TIME',
      '医院 overdue': 'NOT_ON_TIME',
      '医院 waiting': 'NOT_YET_DUE',
      '医院 self': 'SELF_DISPOSED',
    });
    const late = body.institutions.find((i: { institution: { name: string } }) => i.institution.name === '医院 late');
    assert.deepEqual([late.lots, late.onTime, late.late, late.overdue], [1, 0, 1, 0]);
    assert.ok(Number(late.worstHours) >= 50);
    assert.deepEqual(body.summary, {
      institutions: 5,
      onTime: 1,
      notOnTime: 2,
      notYetDue: 1,
      selfDisposed: 1,
      onTimeRate: '0.3333',
    });
    assert.match(body.method, /48|limitHours/);
    // A narrower region; an institution sees only itself.
    const county = (await t.http().get('/v1/stats/medical-collection?region=371521').set(d.regulator.auth).expect(200))
      .body;
    assert.deepEqual(
      county.institutions.map((i: { institution: { name: string } }) => i.institution.name),
      ['医院 overdue'],
    );
    const self = (await t.http().get('/v1/stats/medical-collection').set(hospitals.onTime.auth).expect(200)).body;
    assert.deepEqual(
      self.institutions.map((i: { verdict: string }) => i.verdict),
      ['ON_TIME'],
    );
    assert.equal(self.summary.onTimeRate, '1.0000');
  });
});
