import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { parse } from 'csv-parse/sync';
import { chinaDate } from '../../src/common/time/china-date';
import { draftFor, insertFlag, runLifecycle } from '../support/audit';
import { createLot, now } from '../support/lots';
import { district, draftBody, type District } from '../support/manifests';
import { addMember, createActor, startTestApp, type Actor, type TestApp } from '../support/test-app';

const TODAY_PLUS_ONE = () => chinaDate(new Date(Date.now() + 24 * 3_600_000));
const THIS_YEAR = Number(chinaDate().slice(0, 4));

describe('organisation audit, HJ 1259 tiers and the key supervised units list', () => {
  let t: TestApp;
  let d: District;
  let g100: Actor;
  let g10: Actor;
  let g9: Actor;
  let ownFacility: Actor;
  let beijing: Actor;
  let lotB: string;

  before(async () => {
    t = await startTestApp();
    d = await district(t);
    // The main generator: A goes to the treater on a manifest, B stays (and is corrected), C is split.
    const a = await createLot(t, d.generator); // 12.345 kg on 2024-06-01
    lotB = (await createLot(t, d.generator, { quantity: { value: '5', unit: 'kg' } })).id;
    const c = await createLot(t, d.generator, { quantity: { value: '20', unit: 'kg' } });
    const manifest = await draftFor(t, d, draftBody(d, [a.id]));
    await runLifecycle(t, d, manifest.id, ['12.3']);
    await t
      .http()
      .post(`/v1/lots/${c.id}/split`)
      .set(d.generator.auth)
      .send({
        occurredAt: now(),
        handlerName: '赵六',
        parts: [{ quantity: { value: '8', unit: 'kg' } }, { quantity: { value: '12', unit: 'kg' } }],
      })
      .expect(201);
    await t
      .http()
      .post(`/v1/lots/${lotB}/events`)
      .set(d.generator.auth)
      .send({
        type: 'CORRECTED',
        occurredAt: now(),
        handlerName: '张三',
        corrects: { seq: 1 },
        reason: '复称',
        quantity: { value: '4.8', unit: 'kg' },
      })
      .expect(201);

    // Tier edges, built through the API.
    g100 = await createActor(t, { roles: ['GENERATOR'], region: '371502', name: '百吨化工' });
    await createLot(t, g100, { quantity: { value: '100', unit: 't' }, occurredAt: '2023-05-01T08:00:00+08:00' });
    g10 = await createActor(t, { roles: ['GENERATOR'], region: '371502', name: '十吨机械' });
    await createLot(t, g10, { quantity: { value: '10', unit: 't' }, occurredAt: '2024-05-01T08:00:00+08:00' });
    g9 = await createActor(t, { roles: ['GENERATOR'], region: '371502', name: '九吨电镀' });
    await createLot(t, g9, { quantity: { value: '9.999999', unit: 't' }, occurredAt: '2024-05-01T08:00:00+08:00' });
    ownFacility = await createActor(t, { roles: ['GENERATOR'], region: '371521', name: '自建焚烧炉药厂' });
    const own = await createLot(t, ownFacility, { quantity: { value: '1', unit: 'kg' } });
    await t
      .http()
      .post(`/v1/lots/${own.id}/events`)
      .set(ownFacility.auth)
      .send({ type: 'DISPOSED', occurredAt: now(), handlerName: '钱七', operationCode: 'D10' })
      .expect(201);
    beijing = await createActor(t, { roles: ['GENERATOR'], region: '110101', name: '北京大厂' });
    await createLot(t, beijing, { quantity: { value: '200', unit: 't' }, occurredAt: '2024-05-01T08:00:00+08:00' });
  });
  after(() => t.close());

  const report = (id: string, auth: Record<string, string>, query = '') =>
    t.http().get(`/v1/audit/organisations/${id}${query}`).set(auth);
  const flowOf = (body: { flows: Array<Record<string, { value: string }> & { wasteCode: string }> }) => {
    const f = body.flows.find((x) => x.wasteCode === '900-041-49')!;
    return Object.fromEntries(
      ['heldStart', 'generated', 'received', 'sent', 'treated', 'disposed', 'heldEnd', 'lineage', 'corrections'].map(
        (k) => [k, f[k].value],
      ),
    );
  };

  describe('GET /v1/audit/organisations/{id}: auth matrix', () => {
    it('401, 403 for a driver, 404 for others and outside the jurisdiction, 400 for a bad query', async () => {
      await t.http().get(`/v1/audit/organisations/${d.generator.organisationId}`).expect(401);
      await report(d.carrier1.organisationId, d.carrier1Driver.auth).expect(403);
      for (const who of [d.outsider, d.treater, g100]) {
        assert.equal((await report(d.generator.organisationId, who.auth).expect(404)).body.code, 'not-found');
      }
      await report('00000000-0000-4000-8000-000000000000', t.admin).expect(404);
      for (const q of [
        '?from=2024-13-01',
        '?from=2024-06-01&to=2024-05-31',
        '?tierYear=abc',
        '?colour=red',
        '?to=yesterday',
      ]) {
        const res = await report(d.generator.organisationId, d.generator.auth, q).expect(400);
        assert.equal(res.body.code, 'validation-failed', q);
      }
      await report('nope', d.generator.auth).expect(400);
      for (const who of [d.generator, d.regulator]) await report(d.generator.organisationId, who.auth).expect(200);
      await report(d.generator.organisationId, t.admin).expect(200);
      const auditor = await addMember(t, d.generator.organisationId, 'AUDITOR');
      await report(d.generator.organisationId, auditor.auth).expect(200);
    });
  });

  it('flows by waste code close the mass balance; a correction explains its residual', async () => {
    const { body } = await report(
      d.generator.organisationId,
      d.regulator.auth,
      `?from=2024-01-01&to=${TODAY_PLUS_ONE()}`,
    ).expect(200);
    assert.equal(body.organisation.name, '东昌府区汽修厂');
    assert.deepEqual(flowOf(body), {
      heldStart: '0',
      generated: '37345', // 12.345 + 5 + 20 kg
      received: '0',
      sent: '12345', // A, as it was when carrier 1 took it over
      treated: '0',
      disposed: '0',
      heldEnd: '24800', // B corrected to 4.8 kg, and C's two parts (8 + 12 kg)
      lineage: '0', // the split balances
      corrections: '-200',
    });
    const f = body.flows[0];
    assert.deepEqual(f.massBalance.residual, { value: '200', unit: 'g', tonnes: '0.0002' });
    assert.equal(f.massBalance.unexplained.value, '0');
    assert.equal(f.massBalance.balanced, false);
    assert.deepEqual(body.totals.generated, { grams: '37345', tonnes: '0.037345' });
    assert.deepEqual(body.totals.heldEnd, { grams: '24800', tonnes: '0.0248' });

    // Split by period: everything was still at the generator at the end of 2024.
    const y2024 = (
      await report(d.generator.organisationId, d.generator.auth, '?from=2024-01-01&to=2024-12-31').expect(200)
    ).body;
    assert.equal(y2024.period.from, '2023-12-31T16:00:00.000Z');
    assert.equal(y2024.period.to, '2024-12-31T16:00:00.000Z');
    assert.deepEqual(flowOf(y2024), {
      heldStart: '0',
      generated: '37345',
      received: '0',
      sent: '0',
      treated: '0',
      disposed: '0',
      heldEnd: '37345',
      lineage: '0',
      corrections: '0',
    });
    assert.equal(y2024.flows[0].massBalance.balanced, true);
    const later = (
      await report(d.generator.organisationId, d.generator.auth, `?from=2025-01-01&to=${TODAY_PLUS_ONE()}`).expect(200)
    ).body;
    assert.equal(flowOf(later).heldStart, '37345');
    assert.equal(flowOf(later).generated, '0');
    assert.equal(flowOf(later).heldEnd, '24800');
  });

  it('the treater received the weighed quantity and disposed of it; each carrier received and sent it', async () => {
    const query = `?from=2024-01-01&to=${TODAY_PLUS_ONE()}`;
    const treater = (await report(d.treater.organisationId, d.regulator.auth, query).expect(200)).body;
    assert.deepEqual(flowOf(treater), {
      heldStart: '0',
      generated: '0',
      received: '12300',
      sent: '0',
      treated: '0',
      disposed: '12300',
      heldEnd: '0',
      lineage: '0',
      corrections: '0',
    });
    assert.equal(treater.flows[0].massBalance.balanced, true);
    assert.equal(treater.tier.tier, 'KEY');
    assert.deepEqual(treater.tier.reasons, ['OWN_FACILITY', 'OPERATING_LICENCE']);
    assert.equal(treater.permits.length, 1);
    assert.equal(treater.permits[0].kind, 'HW_OPERATING_COMPREHENSIVE');
    assert.equal(treater.permits[0].state, 'ACTIVE');
    assert.deepEqual(treater.permits[0].annualCapacity, { grams: '1000000000', tonnes: '1000' });
    for (const carrier of [d.carrier1, d.carrier2]) {
      const body = (await report(carrier.organisationId, carrier.auth, query).expect(200)).body;
      const f = flowOf(body);
      assert.equal(f.received, '12345');
      assert.equal(f.sent, '12345');
      assert.equal(f.heldEnd, '0');
      assert.equal(body.tier.tier, 'REGISTRATION'); // a road transport permit is not an HW operating licence
    }
  });

  it('open flags by rule, the credit grade in force and the tier of the generator', async () => {
    await insertFlag(t, {
      ruleId: 'ORPHAN_LOT',
      subjectType: 'LOT',
      subjectId: lotB,
      organisationIds: [d.generator.organisationId],
    });
    await insertFlag(t, {
      ruleId: 'ORPHAN_LOT',
      subjectType: 'LOT',
      subjectId: 'x',
      organisationIds: [d.generator.organisationId],
      status: 'ACKNOWLEDGED',
    });
    await insertFlag(t, {
      ruleId: 'CLOCK_ANOMALY',
      subjectType: 'LOT',
      subjectId: 'y',
      organisationIds: [d.generator.organisationId],
      status: 'RESOLVED',
    });
    await t
      .http()
      .post(`/v1/organisations/${d.generator.organisationId}/credit-grades`)
      .set(d.regulator.auth)
      .send({
        grade: 'YELLOW',
        issuer: '聊城市生态环境局',
        validFrom: '2024-01-01',
        sourceDocument: '聊环信〔2024〕1号',
      })
      .expect(201);
    const { body } = await report(d.generator.organisationId, d.generator.auth).expect(200);
    assert.deepEqual(body.openFlags, { total: 2, byRule: [{ ruleId: 'ORPHAN_LOT', severity: 'HIGH', count: 2 }] });
    assert.equal(body.creditGrade.grade, 'YELLOW');
    assert.deepEqual(body.permits, []);
    assert.equal(body.tier.year, THIS_YEAR);
    assert.equal(body.tier.tier, 'REGISTRATION');
    assert.deepEqual(body.tier.generatedByYear, [{ year: 2024, grams: '37345', tonnes: '0.037345' }]);
    assert.equal(body.tier.manuallyListed, false);
    assert.deepEqual(body.tier.declarations, ['ANNUAL']);
  });

  it('tier edges through the ledger: exactly 100 t is KEY, exactly 10 t SIMPLIFIED, a gram less REGISTRATION', async () => {
    const tierOf = async (a: Actor, year: number) =>
      (await report(a.organisationId, d.regulator.auth, `?tierYear=${year}`).expect(200)).body.tier;
    const key = await tierOf(g100, 2026);
    assert.equal(key.tier, 'KEY');
    assert.deepEqual(key.reasons, ['ANNUAL_QUANTITY']);
    assert.deepEqual(key.annualQuantity, {
      grams: '100000000',
      tonnes: '100',
      method: 'MAX_OF_LAST_3_YEARS',
      years: [2023, 2024, 2025],
      maxYear: 2023,
    });
    // Four years on, 2023 is out of the look-back window.
    assert.equal((await tierOf(g100, 2027)).tier, 'REGISTRATION');
    const simplified = await tierOf(g10, 2025);
    assert.equal(simplified.tier, 'SIMPLIFIED');
    assert.equal(simplified.annualQuantity.method, 'MAX_OF_YEARS_RUN');
    assert.deepEqual(simplified.declarations, ['QUARTERLY', 'ANNUAL']);
    const registration = await tierOf(g9, 2025);
    assert.equal(registration.tier, 'REGISTRATION');
    assert.equal(registration.annualQuantity.grams, '9999999');
    const facility = await tierOf(ownFacility, THIS_YEAR);
    assert.equal(facility.tier, 'KEY');
    assert.deepEqual(facility.reasons, ['OWN_FACILITY']);
  });

  describe('the key supervised units list', () => {
    const list = (auth: Record<string, string>, query = '') => t.http().get(`/v1/audit/key-units${query}`).set(auth);
    const change = (path: '' | '/removals', auth: Record<string, string>, body: Record<string, unknown>) =>
      t.http().post(`/v1/audit/key-units${path}`).set(auth).send(body);
    const names = (body: { items: Array<{ organisation: { name: string } }> }) =>
      body.items.map((i) => i.organisation.name).sort();

    it('auth matrix', async () => {
      await t.http().get('/v1/audit/key-units').expect(401);
      await t.http().post('/v1/audit/key-units').send({}).expect(401);
      await list(d.generator.auth).expect(403);
      await change('', d.generator.auth, { organisationId: d.generator.organisationId, reason: 'x' }).expect(403);
      const regulatorAuditor = await addMember(t, d.regulator.organisationId, 'AUDITOR');
      await list(regulatorAuditor.auth).expect(200);
      await change('', regulatorAuditor.auth, { organisationId: d.generator.organisationId, reason: 'x' }).expect(403);
      assert.equal((await list(d.regulator.auth, '?region=11').expect(404)).body.code, 'not-found');
      await change('', d.outsider.auth, { organisationId: d.generator.organisationId, reason: '越权' }).expect(404);
      await change('', d.regulator.auth, { organisationId: d.outsider.organisationId, reason: '监管机关' }).expect(404);
      await change('', d.regulator.auth, {
        organisationId: '00000000-0000-4000-8000-000000000000',
        reason: 'x',
      }).expect(404);
      for (const q of ['?year=1999', '?format=xlsx', '?region=3a', '?bom=maybe'])
        await list(d.regulator.auth, q).expect(400);
      for (const body of [
        { organisationId: d.generator.organisationId },
        { organisationId: d.generator.organisationId, reason: '   ' },
        { reason: 'x' },
      ]) {
        await change('', d.regulator.auth, body).expect(400);
      }
      await t.http().get(`/v1/audit/key-units/${d.generator.organisationId}/history`).set(d.outsider.auth).expect(404);
    });

    it('computed from the ledger: quantity, own facility, licence; only in the jurisdiction', async () => {
      const { body } = await list(d.regulator.auth).expect(200);
      assert.equal(body.year, THIS_YEAR);
      assert.equal(body.region, '37');
      assert.deepEqual(names(body), ['百吨化工', '济南处置中心', '自建焚烧炉药厂'].sort());
      const byName = (n: string) =>
        body.items.find((i: { organisation: { name: string } }) => i.organisation.name === n);
      assert.deepEqual(byName('百吨化工').basis, ['ANNUAL_QUANTITY']);
      assert.equal(byName('百吨化工').annualQuantity.tonnes, '100');
      assert.deepEqual(byName('济南处置中心').basis, ['OWN_FACILITY', 'OPERATING_LICENCE']);
      assert.deepEqual(byName('自建焚烧炉药厂').basis, ['OWN_FACILITY']);
      // A narrower region within the jurisdiction; another jurisdiction sees its own units.
      assert.deepEqual(names((await list(d.regulator.auth, '?region=3701').expect(200)).body), ['济南处置中心']);
      assert.deepEqual(names((await list(d.outsider.auth).expect(200)).body), ['北京大厂']);
      assert.equal((await list(t.admin).expect(200)).body.items.length, 4);
      assert.deepEqual(
        names((await list(d.regulator.auth, '?year=2027').expect(200)).body),
        ['济南处置中心', '自建焚烧炉药厂'].sort(),
      );
    });

    it('manual additions with a reason, removal records, history kept, no DELETE; exported as CSV with a BOM', async () => {
      const reason = '涉重金属，"市局"调整, 重点监管';
      const added = await change('', d.regulator.auth, { organisationId: d.generator.organisationId, reason }).expect(
        201,
      );
      assert.equal(added.body.action, 'ADD');
      assert.equal(added.body.reason, reason);
      const again = await change('', d.regulator.auth, {
        organisationId: d.generator.organisationId,
        reason: '再次',
      }).expect(409);
      assert.equal(again.body.code, 'key-unit-already-listed');
      const listed = (await list(d.regulator.auth).expect(200)).body;
      const entry = listed.items.find(
        (i: { organisation: { id: string } }) => i.organisation.id === d.generator.organisationId,
      );
      assert.deepEqual(entry.basis, ['MANUAL']);
      assert.equal(entry.computedTier, 'REGISTRATION');
      assert.equal(entry.manual.reason, reason);
      assert.equal(
        (await report(d.generator.organisationId, d.generator.auth).expect(200)).body.tier.manuallyListed,
        true,
      );

      const csv = await list(d.regulator.auth, '?format=csv&bom=true').expect(200);
      assert.match(String(csv.headers['content-type']), /^text\/csv; charset=utf-8/);
      assert.match(String(csv.headers['content-disposition']), /key-units-\d{4}\.csv/);
      assert.ok(csv.text.startsWith('\uFEFF'));
      const rows = parse(csv.text, { bom: true, columns: true }) as Array<Record<string, string>>;
      assert.equal(rows.length, 4);
      const row = rows.find((r) => r.organisation_id === d.generator.organisationId)!;
      assert.equal(row.name, '东昌府区汽修厂');
      assert.equal(row.manual_reason, reason);
      assert.equal(row.basis, 'MANUAL');
      const noBom = await list(d.regulator.auth, '?format=csv').expect(200);
      assert.ok(noBom.text.startsWith('organisation_id,name,'));

      await t.http().delete(`/v1/audit/key-units/${d.generator.organisationId}`).set(d.regulator.auth).expect(405);
      const removed = await change('/removals', d.regulator.auth, {
        organisationId: d.generator.organisationId,
        reason: '整改完成',
      }).expect(201);
      assert.equal(removed.body.action, 'REMOVE');
      assert.equal(
        (
          await change('/removals', d.regulator.auth, {
            organisationId: d.generator.organisationId,
            reason: '再删',
          }).expect(409)
        ).body.code,
        'key-unit-not-listed',
      );
      assert.ok(!names((await list(d.regulator.auth).expect(200)).body).includes('东昌府区汽修厂'));
      const history = await t
        .http()
        .get(`/v1/audit/key-units/${d.generator.organisationId}/history`)
        .set(d.regulator.auth)
        .expect(200);
      assert.equal(history.body.manuallyListed, false);
      assert.deepEqual(
        history.body.items.map((h: { action: string; reason: string }) => [h.action, h.reason]),
        [
          ['ADD', reason],
          ['REMOVE', '整改完成'],
        ],
      );
      // The database refuses to rewrite history.
      await assert.rejects(t.db.query(`DELETE FROM key_unit_designations`), /record a removal/);
      await assert.rejects(t.db.query(`UPDATE key_unit_designations SET reason = 'x'`), /record a removal/);
    });

    it('two simultaneous additions: one is recorded, the other is a 409', async () => {
      const results = await Promise.all(
        [1, 2].map((i) => change('', d.regulator.auth, { organisationId: g10.organisationId, reason: `并发 ${i}` })),
      );
      assert.deepEqual(results.map((r) => r.status).sort(), [201, 409]);
      const { rows } = await t.db.query(
        `SELECT count(*)::int AS n FROM key_unit_designations WHERE organisation_id = $1`,
        [g10.organisationId],
      );
      assert.equal(rows[0].n, 1);
    });
  });
});
