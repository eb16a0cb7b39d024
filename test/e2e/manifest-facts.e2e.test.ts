import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DataSource } from 'typeorm';
import { ManifestFactsLoader } from '../../src/manifests/manifest-facts.loader';
import { pairLossFactsFromManifests } from '../../src/reconciliation/domain';
import { CN_DEFAULT_PROFILE } from '../../src/reconciliation/domain/rule-profile';
import { ReconciliationService } from '../../src/reconciliation/reconciliation.service';
import { runLifecycle } from '../support/audit';
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

  it("CUMULATIVE_LOSS: the pairs' aggregates PostgreSQL computes equal the reference definition over the same manifests", async () => {
    // A district of its own: the first test suspended carrier 1's permit in `d`.
    const e = await district(t);
    const tricky = await createActor(t, { roles: ['GENERATOR'], region: '371502', name: '聊城化工二厂' });
    // generator → treater: received short (12.3 of 12.345 kg), received over and exact, cancelled;
    // tricky → treater: one picked up and never delivered, one received short.
    const short = (await draft(t, e)).manifest;
    await runLifecycle(t, e, short.id, ['12.3']);
    const over = (await draft(t, e, 2)).manifest;
    await runLifecycle(t, e, over.id, ['12.4', '12.345']);
    const cancelled = (await draft(t, e)).manifest;
    await post(cancelled.id, 'submit', e.generator.auth);
    await t
      .http()
      .post(`/v1/manifests/${cancelled.id}/cancel`)
      .set(e.generator.auth)
      .send(step({ reason: '作废' }))
      .expect(200);
    const td = { ...e, generator: tricky };
    const onRoad = (await draft(t, td)).manifest;
    await post(onRoad.id, 'submit', tricky.auth);
    await post(onRoad.id, 'pickup', e.carrier1.auth);
    const trickyShort = (await draft(t, td)).manifest;
    await runLifecycle(t, td, trickyShort.id, ['10'], tricky);

    const loader = t.app.get(ManifestFactsLoader);
    const all = (await t.db.query<{ id: string }>('SELECT id FROM manifests')).rows.map((r) => r.id);
    // Now, and 50 hours on (the manifest on the road is then overdue: undelivered weight).
    for (const now of [new Date(), new Date(Date.now() + 50 * 3_600_000)]) {
      const load = (manifestIds: string[]) =>
        t.app.get(DataSource).transaction((m) => loader.load(m, { manifestIds, now, profile: CN_DEFAULT_PROFILE }));
      const everything = await load(all);
      const reference = pairLossFactsFromManifests(everything.manifests, CN_DEFAULT_PROFILE, now);
      assert.deepEqual(everything.pairLosses, reference);
      // One manifest named: its pair, judged in full.
      const pairOf = (await load([over.id])).pairLosses;
      assert.deepEqual(
        pairOf,
        reference.filter((p) => p.consignorId === e.generator.organisationId),
      );
    }
    const later = await t.app.get(DataSource).transaction((m) =>
      loader.load(m, {
        manifestIds: [onRoad.id],
        now: new Date(Date.now() + 50 * 3_600_000),
        profile: CN_DEFAULT_PROFILE,
      }),
    );
    assert.deepEqual(
      later.pairLosses?.map((p) => [p.manifestCount, p.undeliveredGrams, p.shortfallGrams, p.manifestIds.length]),
      [[2, 12_345, 2_345, 2]],
    );
  });
});
