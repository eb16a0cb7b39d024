import { randomBytes, randomInt } from 'node:crypto';
import { creditCodeCheckCharacter } from '../../src/organisations/domain/credit-code';
import type { BenchContext } from './workload';

/** A member of a GENERATOR organisation with a write key: the actor of the lots workloads. */
export interface BenchActor {
  organisationId: string;
  memberId: string;
  headers: Record<string, string>;
}

const ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';

export function creditCode(region: string): string {
  let body = `91${region}`;
  while (body.length < 17) body += ALPHABET[randomInt(ALPHABET.length)];
  return body + creditCodeCheckCharacter(body);
}

export async function call<T>(ctx: BenchContext, path: string, body: unknown, headers = ctx.admin): Promise<T> {
  const res = await fetch(`${ctx.service.baseUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  const json = (await res.json()) as T;
  if (res.status >= 300) throw new Error(`POST ${path} → ${res.status}: ${JSON.stringify(json)}`);
  return json;
}

/** Creates an organisation (GENERATOR unless told) with an OPERATOR member and an API key, through the API. */
export async function createActor(ctx: BenchContext, region = '371502', roles = ['GENERATOR']): Promise<BenchActor> {
  const org = await call<{ id: string }>(ctx, '/v1/organisations', {
    name: `Bench ${randomBytes(3).toString('hex')}`,
    roles,
    registrationCode: creditCode(region),
    regionCode: region,
  });
  const member = await call<{ id: string }>(ctx, '/v1/members', {
    organisationId: org.id,
    name: 'bench operator',
    role: 'OPERATOR',
  });
  const key = await call<{ token: string }>(ctx, '/v1/api-keys', { memberId: member.id, name: 'bench' });
  return { organisationId: org.id, memberId: member.id, headers: { authorization: `Bearer ${key.token}` } };
}

/** A lot body as a generator would send it (the service issues the label code). */
export function lotBody(occurredAt = new Date(Date.now() - 3_600_000).toISOString()) {
  return {
    wasteCode: '900-041-49',
    quantity: { value: '12.345', unit: 'kg' },
    quantityMethod: 'WEIGHED',
    physicalForm: 'SOLID',
    packagingType: 'DRUM',
    containerCount: 1,
    mainConstituents: ['废包装桶'],
    hazardousConstituents: ['矿物油'],
    facilityCode: 'CS-001',
    handlerName: '张三',
    occurredAt,
  };
}

/**
 * Registers `n` lots through POST /v1/lots (16 at a time); returns their ids in creation order.
 * Generation dates step back a day every 900 lots (the service issues at most 999 label codes
 * per organisation, waste code and day).
 */
export async function createLots(ctx: BenchContext, actor: BenchActor, n: number): Promise<string[]> {
  const ids: string[] = new Array<string>(n);
  let next = 0;
  const worker = async () => {
    while (next < n) {
      const i = next++;
      const res = await fetch(`${ctx.service.baseUrl}/v1/lots`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...actor.headers },
        body: JSON.stringify(lotBody(new Date(Date.now() - (1 + Math.floor(i / 900)) * 86_400_000).toISOString())),
      });
      const body = (await res.json()) as { id: string };
      if (res.status !== 201) throw new Error(`POST /v1/lots → ${res.status}: ${JSON.stringify(body)}`);
      ids[i] = body.id;
    }
  };
  await Promise.all(Array.from({ length: Math.min(16, n) }, worker));
  return ids;
}

/** Body of a STORED event. */
export const storedEvent = (occurredAt: string, k: number) => ({
  type: 'STORED',
  occurredAt,
  handlerName: '李四',
  location: { code: `ZC-${(k % 90) + 10}`, type: 'WAREHOUSE' },
  batchCode: `HWRK2026112800${k % 10}`,
});

/** Body of a RETRIEVED event. */
export const retrievedEvent = (occurredAt: string, k: number) => ({
  type: 'RETRIEVED',
  occurredAt,
  handlerName: '李四',
  batchCode: `HWCK2026112800${k % 10}`,
  destination: '处置中心',
});

/** Body of a PACKAGED event (valid in any open state, so order does not matter). */
export const packagedEvent = (occurredAt: string, k: number) => ({
  type: 'PACKAGED',
  occurredAt,
  handlerName: '李四',
  packagingType: 'DRUM',
  containerCount: (k % 20) + 1,
});
