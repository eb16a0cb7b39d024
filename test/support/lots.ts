import assert from 'node:assert/strict';
import type { Actor, TestApp } from './test-app';

/** A generation time inside the 2021 catalogue edition (in force 2021-01-01 to 2025-01-01). */
export const GENERATED_AT = '2024-06-01T08:00:00+08:00';

export function lotBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
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
    occurredAt: GENERATED_AT,
    ...overrides,
  };
}

export async function createLot(t: TestApp, actor: Actor, overrides: Record<string, unknown> = {}) {
  const res = await t.http().post('/v1/lots').set(actor.auth).send(lotBody(overrides));
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body as { id: string; labelCode: string; head: { seq: number; hash: string }; [k: string]: unknown };
}

/** Now, as the client would send it. */
export const now = () => new Date().toISOString();

export function storedBody(overrides: Record<string, unknown> = {}) {
  return {
    type: 'STORED',
    occurredAt: now(),
    handlerName: '李四',
    location: { code: 'ZC-01', type: 'WAREHOUSE' },
    ...overrides,
  };
}

export function retrievedBody(overrides: Record<string, unknown> = {}) {
  return { type: 'RETRIEVED', occurredAt: now(), handlerName: '李四', ...overrides };
}
