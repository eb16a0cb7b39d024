import assert from 'node:assert/strict';
import { createLot, now } from './lots';
import { addMember, createActor, type Actor, type TestApp } from './test-app';

export interface District {
  generator: Actor;
  carrier1: Actor;
  carrier1Driver: Actor;
  carrier2: Actor;
  treater: Actor;
  regulator: Actor;
  outsider: Actor;
}

const permit = (organisationId: string, over: Record<string, unknown>) => ({
  organisationId,
  number: `P-${Math.floor(Math.random() * 1e9)}`,
  wasteCodes: [],
  wasteCategories: ['HW08', 'HW49'],
  annualCapacityTonnes: '1000',
  facilityAddress: '聊城市东昌府区环保路1号',
  validFrom: '2020-01-01',
  validTo: '2030-12-31',
  issuer: '山东省生态环境厅',
  ...over,
});

/** A generator, two licensed carriers, a licensed treater, a regulator over them, and an outsider. */
export async function district(t: TestApp): Promise<District> {
  const regulator = await createActor(t, { roles: ['REGULATOR'], region: '370000', name: '山东省生态环境厅' });
  const generator = await createActor(t, { roles: ['GENERATOR'], region: '371502', name: '东昌府区汽修厂' });
  const carrier1 = await createActor(t, { roles: ['TRANSPORTER'], region: '371502', name: '聊城危运一' });
  const carrier2 = await createActor(t, { roles: ['TRANSPORTER'], region: '370102', name: '济南危运二' });
  const treater = await createActor(t, { roles: ['TREATER'], region: '370102', name: '济南处置中心' });
  const outsider = await createActor(t, { roles: ['REGULATOR'], region: '110000', name: '北京市生态环境局' });
  const carrier1Driver = await addMember(t, carrier1.organisationId, 'DRIVER');
  for (const c of [carrier1, carrier2]) {
    await t
      .http()
      .post('/v1/permits')
      .set(regulator.auth)
      .send(
        permit(c.organisationId, {
          kind: 'ROAD_DANGEROUS_GOODS_TRANSPORT',
          operationModes: ['TRANSPORT'],
          validTo: '2029-12-31',
        }),
      )
      .expect(201);
  }
  await t
    .http()
    .post('/v1/permits')
    .set(regulator.auth)
    .send(
      permit(treater.organisationId, {
        kind: 'HW_OPERATING_COMPREHENSIVE',
        operationModes: ['STORAGE', 'UTILISATION', 'DISPOSAL'],
        validFrom: '2024-01-01',
        validTo: '2028-12-31',
      }),
    )
    .expect(201);
  return { generator, carrier1, carrier1Driver, carrier2, treater, regulator, outsider };
}

export function draftBody(d: District, lotIds: string[], over: Record<string, unknown> = {}) {
  return {
    consigneeId: d.treater.organisationId,
    carriers: [
      { organisationId: d.carrier1.organisationId, vehiclePlate: '鲁P12345', operatingPermitNumber: '371502000123' },
      { organisationId: d.carrier2.organisationId, vehiclePlate: '鲁A67890', operatingPermitNumber: '370102000456' },
    ],
    lines: lotIds.map((lotId) => ({
      lotId,
      declared: { value: '12.345', unit: 'kg' },
      hazard: 'T/In',
      physicalForm: 'SOLID',
    })),
    plannedDate: new Date().toISOString().slice(0, 10),
    plannedOperation: 'D10',
    emergencyMeasures: '泄漏时用吸附棉围堵，报告 12369',
    ...over,
  };
}

export async function draft(t: TestApp, d: District, lots = 1, over: Record<string, unknown> = {}) {
  const ids: string[] = [];
  for (let i = 0; i < lots; i++) ids.push((await createLot(t, d.generator)).id);
  const res = await t
    .http()
    .post('/v1/manifests')
    .set(d.generator.auth)
    .send(draftBody(d, ids, over));
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return { manifest: res.body as { id: string; number: string; status: string }, lotIds: ids };
}

export const step = (over: Record<string, unknown> = {}) => ({ occurredAt: now(), ...over });
