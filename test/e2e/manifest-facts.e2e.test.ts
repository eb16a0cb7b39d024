import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DataSource } from 'typeorm';
import { ManifestFactsLoader } from '../../src/manifests/manifest-facts.loader';
import { CN_DEFAULT_PROFILE } from '../../src/reconciliation/domain/rule-profile';
import { ReconciliationService } from '../../src/reconciliation/reconciliation.service';
import { district, draft, step, type District } from '../support/manifests';
import { createActor, startTestApp, type TestApp } from '../support/test-app';

describe('manifest facts: the ManifestFactsLoader on real manifests', () => {
  let t: TestApp;
  let d: District;
  before(async () => {
    t = await startTestApp();
    d = await district(t);
  });
  after(() => t.close());

  const post = (id: string, action: string, auth: Record<string, string>) =>
    t.http().post(`/v1/manifests/${id}/${action}`).set(auth).send(step()).expect(200);

  it('in-flight manifests re-check every party live (once per party and code in a batch): a permit suspended on the road is flagged on each', async () => {
    const a = (await draft(t, d)).manifest;
    const b = (await draft(t, d, 2)).manifest;
    for (const m of [a, b]) {
      await post(m.id, 'submit', d.generator.auth);
      await post(m.id, 'pickup', d.carrier1.auth);
    }
    const {
      rows: [permit],
    } = await t.db.query<{ id: string }>('SELECT id FROM permits WHERE organisation_id = $1', [
      d.carrier1.organisationId,
    ]);
    await t
      .http()
      .post(`/v1/permits/${permit.id}/suspend`)
      .set(d.regulator.auth)
      .send({ reason: '车辆证照过期' })
      .expect(200);

    const loader = t.app.get(ManifestFactsLoader);
    const part = await t.app
      .get(DataSource)
      .transaction((m) => loader.load(m, { manifestIds: [a.id, b.id], now: new Date(), profile: CN_DEFAULT_PROFILE }));
    const live = (part.permitChecks ?? [])
      .filter((c) => c.step === 'IN_FLIGHT')
      .map((c) => `${c.manifestId} ${c.partyRole} ${c.organisationId} ${c.outcome}`)
      .sort();
    const expected = [a.id, b.id].flatMap((id) => [
      `${id} CONSIGNEE ${d.treater.organisationId} OK`,
      `${id} CARRIER ${d.carrier1.organisationId} PERMIT_NOT_ACTIVE`,
      `${id} CARRIER ${d.carrier2.organisationId} OK`,
    ]);
    assert.deepEqual(live, expected.sort());

    await t.app.get(ReconciliationService).reconcile({ manifestIds: [a.id, b.id] });
    const { rows } = await t.db.query<{ subject_id: string }>(
      `SELECT subject_id FROM flags WHERE rule_id = 'UNLICENSED_PARTY' AND status = 'OPEN' ORDER BY subject_id`,
    );
    assert.deepEqual(
      rows.map((r) => r.subject_id),
      [a.id, b.id].sort(),
    );
  });

  it('a full run takes the manifests in consignor → consignee order (a batch holds whole pairs)', async () => {
    const other = await createActor(t, { roles: ['GENERATOR'], region: '371502', name: '东昌府区化工厂' });
    for (let i = 0; i < 3; i++) await draft(t, { ...d, generator: i % 2 ? d.generator : other });
    const ids = await t.app
      .get(DataSource)
      .transaction((m) => t.app.get(ManifestFactsLoader).idsForRun(m, { regionPrefix: null, from: null, to: null }));
    const { rows } = await t.db.query<{ id: string }>(
      'SELECT id FROM manifests ORDER BY consignor_id, consignee_id, id',
    );
    assert.equal(ids.length, 5);
    assert.deepEqual(
      ids,
      rows.map((r) => r.id),
    );
  });
});
