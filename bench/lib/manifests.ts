import { generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { signingBytes } from '../../src/manifests/domain/step-signature';
import { call, createActor, createLots, creditCode, type BenchActor } from './api';
import type { HttpCall } from './load';
import type { BenchContext } from './workload';

/**
 * Transfer manifests for the benchmarks, set up through the API as the parties would: licensed
 * carriers with drivers holding registered Ed25519 device keys, a licensed consignee, and
 * consignors drafting and submitting manifests. Steps are signed as a driver's device signs them
 * (docs/manifests.md, "Step payload and device signatures"), with the service's own
 * `signingBytes` (RFC 8785 canonical JSON).
 */

export interface Driver {
  organisationId: string;
  memberId: string;
  headers: Record<string, string>;
  deviceKeyId: string;
  privateKey: KeyObject;
}

export interface District {
  consigneeId: string;
  /** Carriers in leg order, each with a DRIVER member and a registered device key. */
  carriers: Driver[];
}

export interface SubmittedManifest {
  id: string;
  number: string;
}

const permit = (organisationId: string, over: Record<string, unknown>) => ({
  organisationId,
  number: `P-${randomBytes(5).toString('hex')}`,
  wasteCodes: [],
  wasteCategories: ['HW08', 'HW49'],
  annualCapacityTonnes: '100000',
  facilityAddress: '聊城市东昌府区环保路1号',
  validFrom: '2020-01-01',
  validTo: '2030-12-31',
  issuer: '山东省生态环境厅',
  ...over,
});

async function organisation(ctx: BenchContext, role: string, region: string): Promise<string> {
  const org = await call<{ id: string }>(ctx, '/v1/organisations', {
    name: `Bench ${role.toLowerCase()} ${randomBytes(3).toString('hex')}`,
    roles: [role],
    registrationCode: creditCode(region),
    regionCode: region,
  });
  return org.id;
}

async function member(ctx: BenchContext, organisationId: string, role: string) {
  const m = await call<{ id: string }>(ctx, '/v1/members', { organisationId, name: `bench ${role}`, role });
  const key = await call<{ token: string }>(ctx, '/v1/api-keys', { memberId: m.id, name: 'bench' });
  return { memberId: m.id, headers: { authorization: `Bearer ${key.token}` } };
}

/**
 * A licensed consignee (TREATER, comprehensive operating licence for HW08/HW49) and `carriers`
 * TRANSPORTER organisations with a road transport permit, each with a DRIVER whose device key
 * is registered by the driver itself. Permits are recorded by the platform admin (an issuer).
 */
export async function createDistrict(ctx: BenchContext, carriers: number): Promise<District> {
  const consigneeId = await organisation(ctx, 'TREATER', '370102');
  await call(
    ctx,
    '/v1/permits',
    permit(consigneeId, {
      kind: 'HW_OPERATING_COMPREHENSIVE',
      operationModes: ['STORAGE', 'UTILISATION', 'DISPOSAL'],
      validFrom: '2024-01-01',
      validTo: '2028-12-31',
    }),
  );
  const drivers: Driver[] = [];
  for (let i = 0; i < carriers; i++) {
    const organisationId = await organisation(ctx, 'TRANSPORTER', i % 2 === 0 ? '371502' : '370102');
    await call(
      ctx,
      '/v1/permits',
      permit(organisationId, {
        kind: 'ROAD_DANGEROUS_GOODS_TRANSPORT',
        operationModes: ['TRANSPORT'],
        validTo: '2029-12-31',
      }),
    );
    const driver = await member(ctx, organisationId, 'DRIVER');
    const { publicKey, privateKey } = generateKeyPairSync('ed25519');
    const key = await call<{ id: string }>(
      ctx,
      `/v1/members/${driver.memberId}/device-keys`,
      { label: 'driver phone', publicKey: publicKey.export({ format: 'jwk' }).x },
      driver.headers,
    );
    drivers.push({ organisationId, ...driver, deviceKeyId: key.id, privateKey });
  }
  return { consigneeId, carriers: drivers };
}

export function draftBody(d: District, lotIds: string[]) {
  return {
    consigneeId: d.consigneeId,
    carriers: d.carriers.map((c, i) => ({
      organisationId: c.organisationId,
      vehiclePlate: `鲁P1234${i}`,
      operatingPermitNumber: `37150200012${i}`,
    })),
    lines: lotIds.map((lotId) => ({
      lotId,
      declared: { value: '12.345', unit: 'kg' },
      hazard: 'T/In',
      physicalForm: 'SOLID',
    })),
    plannedDate: new Date().toISOString().slice(0, 10),
    plannedOperation: 'D10',
    emergencyMeasures: '泄漏时用吸附棉围堵，报告 12369',
  };
}

/** Runs `fn` over `items`, `concurrency` at a time; results in item order. */
export async function pool<T, R>(items: readonly T[], concurrency: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return out;
}

/**
 * A new consignor (GENERATOR with an OPERATOR) registers `count × lotsPerManifest` lots, drafts
 * `count` manifests of `lotsPerManifest` lines to the district's consignee over all its carriers,
 * and submits them (permits checked, lots released to carrier 1). A fresh consignor per call keeps
 * label codes within the per-day limit whatever the number of runs.
 */
export async function submittedManifests(
  ctx: BenchContext,
  d: District,
  count: number,
  lotsPerManifest: number,
): Promise<SubmittedManifest[]> {
  const consignor: BenchActor = await createActor(ctx);
  const lots = await createLots(ctx, consignor, count * lotsPerManifest);
  const groups = Array.from({ length: count }, (_, i) => lots.slice(i * lotsPerManifest, (i + 1) * lotsPerManifest));
  return pool(groups, 8, async (lotIds) => {
    const m = await call<SubmittedManifest>(ctx, '/v1/manifests', draftBody(d, lotIds), consignor.headers);
    await call(ctx, `/v1/manifests/${m.id}/submit`, { occurredAt: new Date().toISOString() }, consignor.headers);
    return { id: m.id, number: m.number };
  });
}

/**
 * The signed handover of leg `leg` (0: pickup by carrier 1; n ≥ 1: relay to carrier n + 1), as
 * the driver's device sends it: the signature covers the canonical step payload, whose time is
 * `occurredAt` (signed in advance, it is in the past when sent: the service only refuses times
 * ahead of its clock by more than CLOCK_SKEW_SECONDS, and times before the lots' last event).
 */
export function signedHandover(
  d: District,
  m: SubmittedManifest,
  leg: number,
  occurredAt: string,
  idempotencyKey?: string,
): HttpCall {
  const driver = d.carriers[leg];
  const action = leg === 0 ? 'pickup' : 'relay';
  const location = leg === 0 ? '厂区门口' : `高速服务区 ${leg}`;
  const payload = {
    manifestId: m.id,
    manifestNumber: m.number,
    action,
    organisationId: driver.organisationId,
    memberId: driver.memberId,
    occurredAt,
    location,
  };
  const value = sign(null, signingBytes(payload), driver.privateKey).toString('base64url');
  return {
    method: 'POST',
    path: `/v1/manifests/${m.id}/${action}`,
    headers: idempotencyKey ? { ...driver.headers, 'idempotency-key': idempotencyKey } : driver.headers,
    body: { occurredAt, location, signature: { deviceKeyId: driver.deviceKeyId, value } },
  };
}
