import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DataSource } from 'typeorm';
import { FlagsRepository } from '../../src/flags/flags.repository';
import type { EvaluationResult } from '../../src/reconciliation/domain/evaluate';
import type { Finding } from '../../src/reconciliation/domain/finding';
import { createActor, startTestApp, type Actor, type TestApp } from '../support/test-app';

describe('flags store and API', () => {
  let t: TestApp;
  let consignor: Actor;
  let consignee: Actor;
  let stranger: Actor;
  let regulator: Actor;
  let farRegulator: Actor;

  const finding = (subjectId: string, severity: Finding['severity'] = 'HIGH', grams = 120_000): Finding => ({
    ruleId: 'QUANTITY_DISCREPANCY',
    severity,
    action: 'FLAG',
    subject: { type: 'MANIFEST', id: subjectId },
    organisationIds: [consignor.organisationId, consignee.organisationId].sort(),
    dedupeKey: `QUANTITY_DISCREPANCY:MANIFEST:${subjectId}:line%3A1`,
    message: `received ${grams} g of 1000000 g declared`,
    evidence: { declaredGrams: 1_000_000, receivedGrams: grams },
  });
  const result = (findings: Finding[], subjectIds: string[]): EvaluationResult => ({
    profileId: 'CN-DEFAULT',
    evaluatedAt: new Date().toISOString(),
    findings,
    scope: subjectIds.map((id) => ({
      ruleId: 'QUANTITY_DISCREPANCY',
      subject: { type: 'MANIFEST', id },
      keyPrefix: `QUANTITY_DISCREPANCY:MANIFEST:${id}`,
    })),
  });
  const apply = (r: EvaluationResult) =>
    t.app.get(DataSource).transaction((m) => t.app.get(FlagsRepository).apply(m, r));
  const flagOf = async (subjectId: string) =>
    (await t.http().get(`/v1/flags?subjectId=${subjectId}`).set(t.admin).expect(200)).body.items as Array<{
      id: string;
      status: string;
      severity: string;
      resolution: string | null;
    }>;

  before(async () => {
    t = await startTestApp();
    consignor = await createActor(t, { roles: ['GENERATOR'], region: '371502' });
    consignee = await createActor(t, { roles: ['TREATER'], region: '370102' });
    stranger = await createActor(t, { roles: ['GENERATOR'], region: '110105' });
    regulator = await createActor(t, { roles: ['REGULATOR'], region: '371500' });
    farRegulator = await createActor(t, { roles: ['REGULATOR'], region: '110000' });
  });
  after(() => t.close());

  it('applying the same evaluation twice raises one flag, then updates it', async () => {
    assert.deepEqual(await apply(result([finding('m-1')], ['m-1'])), { raised: 1, updated: 0, resolved: 0 });
    assert.deepEqual(await apply(result([finding('m-1', 'CRITICAL')], ['m-1'])), {
      raised: 0,
      updated: 1,
      resolved: 0,
    });
    const flags = await flagOf('m-1');
    assert.equal(flags.length, 1);
    assert.equal(flags[0].severity, 'CRITICAL');
  });

  it('concurrent applications of the same finding never duplicate it', async () => {
    await Promise.all(Array.from({ length: 8 }, () => apply(result([finding('m-race')], ['m-race']))));
    assert.equal((await flagOf('m-race')).length, 1);
  });

  it('a flag whose condition cleared is resolved automatically, with its history', async () => {
    await apply(result([finding('m-2')], ['m-2']));
    assert.deepEqual(await apply(result([], ['m-2'])), { raised: 0, updated: 0, resolved: 1 });
    const [flag] = await flagOf('m-2');
    assert.equal(flag.status, 'RESOLVED');
    assert.equal(flag.resolution, 'AUTO');
    const detail = await t.http().get(`/v1/flags/${flag.id}`).set(t.admin).expect(200);
    assert.deepEqual(
      detail.body.history.map((h: { kind: string }) => h.kind),
      ['RAISED', 'RESOLVED'],
    );
  });

  it('subjects outside the evaluated scope are left alone', async () => {
    await apply(result([finding('m-3')], ['m-3']));
    await apply(result([], ['m-other']));
    assert.equal((await flagOf('m-3'))[0].status, 'OPEN');
  });

  it('tenancy: parties and regulators with jurisdiction see it; others get 404', async () => {
    await apply(result([finding('m-4')], ['m-4']));
    const [flag] = await flagOf('m-4');
    await t.http().get(`/v1/flags/${flag.id}`).expect(401);
    await t.http().get(`/v1/flags/${flag.id}`).set(consignor.auth).expect(200);
    await t.http().get(`/v1/flags/${flag.id}`).set(consignee.auth).expect(200);
    await t.http().get(`/v1/flags/${flag.id}`).set(regulator.auth).expect(200);
    await t.http().get(`/v1/flags/${flag.id}`).set(stranger.auth).expect(404);
    await t.http().get(`/v1/flags/${flag.id}`).set(farRegulator.auth).expect(404);
    const list = await t.http().get('/v1/flags?limit=200').set(stranger.auth).expect(200);
    assert.equal(list.body.items.length, 0);
    await t.http().get('/v1/flags?rule=NOPE').set(consignor.auth).expect(400);
  });

  it('a party acknowledges; only a regulator with jurisdiction resolves; a regulator’s resolution stands', async () => {
    await apply(result([finding('m-5')], ['m-5']));
    const [flag] = await flagOf('m-5');
    const ack = await t
      .http()
      .post(`/v1/flags/${flag.id}/acknowledge`)
      .set(consignee.auth)
      .send({ comment: 'scale recalibrated' })
      .expect(200);
    assert.equal(ack.body.status, 'ACKNOWLEDGED');
    await t.http().post(`/v1/flags/${flag.id}/resolve`).set(consignee.auth).send({ note: 'x' }).expect(403);
    await t.http().post(`/v1/flags/${flag.id}/resolve`).set(farRegulator.auth).send({ note: 'x' }).expect(404);
    await t.http().post(`/v1/flags/${flag.id}/resolve`).set(regulator.auth).send({}).expect(400);
    const resolved = await t
      .http()
      .post(`/v1/flags/${flag.id}/resolve`)
      .set(regulator.auth)
      .send({ note: 'inspected on site' })
      .expect(200);
    assert.equal(resolved.body.status, 'RESOLVED');
    assert.equal(resolved.body.resolution, 'MANUAL');
    const again = await t
      .http()
      .post(`/v1/flags/${flag.id}/resolve`)
      .set(regulator.auth)
      .send({ note: 'again' })
      .expect(409);
    assert.equal(again.body.currentState, 'RESOLVED');
    // Replaying the evaluation does not reopen what the regulator resolved.
    assert.deepEqual(await apply(result([finding('m-5')], ['m-5'])), { raised: 0, updated: 0, resolved: 0 });
    assert.equal((await flagOf('m-5')).length, 1);
  });

  it('the database refuses to delete flags or rewrite their history', async () => {
    await assert.rejects(t.db.query('DELETE FROM flags'), /not allowed/);
    await assert.rejects(t.db.query(`UPDATE flag_events SET note = 'forged'`), /not allowed/);
    await assert.rejects(t.db.query('TRUNCATE flag_events CASCADE'), /not allowed/);
  });
});
