import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DataSource } from 'typeorm';
import { CN_DEFAULT_PROFILE } from '../../src/reconciliation/domain/rule-profile';
import { monthOf } from '../../src/reconciliation/facts/facility-months';
import { FactsLoader } from '../../src/reconciliation/facts/facts.loader';
import { createLot } from '../support/lots';
import { createActor, startTestApp, type Actor, type TestApp } from '../support/test-app';

describe('facility months: a facility’s lots read and tallied in chunks', () => {
  let t: TestApp;
  let collector: Actor;
  const lots: string[] = [];
  let month: string;

  before(async () => {
    t = await startTestApp();
    collector = await createActor(t, { roles: ['COLLECTOR'], region: '371521' });
    const at = new Date(Date.now() - 60_000).toISOString();
    month = monthOf(at);
    for (const kg of ['10', '20', '30', '40', '50']) {
      lots.push((await createLot(t, collector, { occurredAt: at, quantity: { value: kg, unit: 'kg' } })).id);
    }
    // 5 kg of the last lot vanish from the store: the month does not balance.
    await t
      .http()
      .post(`/v1/lots/${lots[4]}/events`)
      .set(collector.auth)
      .send({
        type: 'CORRECTED',
        occurredAt: new Date(Date.now() - 30_000).toISOString(),
        handlerName: '王五',
        corrects: { seq: 1 },
        reason: 're-weighed',
        quantity: { value: '45', unit: 'kg' },
      })
      .expect(201);
  });
  after(() => t.close());

  it('gives the same month whatever the chunk size, with lots of the batch and lots read for the month', async () => {
    const loader = t.app.get(FactsLoader);
    const load = (lotIds: string[]) =>
      t.app.get(DataSource).transaction((manager) =>
        loader.load(manager, {
          lotIds,
          facilityPeriods: [`${collector.organisationId}@${month}`],
          now: new Date(),
          profile: CN_DEFAULT_PROFILE,
        }),
      );
    const whole = (await load([])).facilityMonths;
    assert.deepEqual(whole, [
      {
        facilityId: collector.organisationId,
        month,
        wasteCode: '900-041-49',
        openingStockGrams: 0,
        receivedGrams: 0,
        generatedGrams: 150_000,
        treatedGrams: 0,
        sentOnGrams: 0,
        closingStockGrams: 145_000,
      },
    ]);
    const perRead = loader.facilityLotsPerRead;
    loader.facilityLotsPerRead = 2;
    try {
      assert.deepEqual((await load([])).facilityMonths, whole, 'three reads of two lots at most');
      assert.deepEqual((await load([lots[0], lots[4]])).facilityMonths, whole, 'two lots of the batch, three read');
    } finally {
      loader.facilityLotsPerRead = perRead;
    }
  });
});
