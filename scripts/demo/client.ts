import canonicalize from 'canonicalize';
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: Record<string, unknown>,
    readonly request: string,
  ) {
    super(`${request} → ${status} ${String(problem.code ?? '')}: ${String(problem.detail ?? '')}`);
  }
}

/** A tiny client of the public API: JSON in, JSON out, problem+json errors raised as ApiError. */
export class Api {
  requests = 0;
  constructor(readonly baseUrl: string) {}

  async call<T = Record<string, unknown>>(
    method: string,
    path: string,
    key: string | null,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<T> {
    this.requests++;
    const res = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    const json = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    if (!res.ok) throw new ApiError(res.status, json, `${method} ${path}`);
    return json as T;
  }

  get = <T = Record<string, unknown>>(path: string, key: string | null) => this.call<T>('GET', path, key);
  post = <T = Record<string, unknown>>(path: string, key: string | null, body: unknown = {}) =>
    this.call<T>('POST', path, key, body);
}

/** A member acting through the API: its key, and a device key that signs its manifest steps. */
export interface Person {
  name: string;
  organisationId: string;
  memberId: string;
  key: string;
  deviceKeyId: string;
  privateKey: KeyObject;
}

export async function enrol(
  api: Api,
  adminKey: string,
  organisationId: string,
  name: string,
  role: string,
): Promise<Person> {
  const member = await api.post<{ id: string }>('/v1/members', adminKey, { organisationId, name, role });
  const key = await api.post<{ token: string }>('/v1/api-keys', adminKey, {
    memberId: member.id,
    name: `${name} (demo)`,
  });
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const device = await api.post<{ id: string }>(`/v1/members/${member.id}/device-keys`, key.token, {
    label: `${name} 手机`,
    publicKey: publicKey.export({ format: 'jwk' }).x,
  });
  return { name, organisationId, memberId: member.id, key: key.token, deviceKeyId: device.id, privateKey };
}

/**
 * Performs a manifest step signed by the person's device: Ed25519 over the RFC 8785 payload
 * (docs/manifests.md), so that its client time is attested.
 */
export async function signedStep(
  api: Api,
  person: Person,
  manifest: { id: string; number: string },
  action: string,
  body: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const occurredAt = new Date(body.occurredAt as string).toISOString();
  const payload = {
    manifestId: manifest.id,
    manifestNumber: manifest.number,
    action,
    organisationId: person.organisationId,
    memberId: person.memberId,
    ...body,
    occurredAt,
  };
  const value = sign(null, Buffer.from(canonicalize(payload)!, 'utf8'), person.privateKey).toString('base64url');
  return api.post(`/v1/manifests/${manifest.id}/${action}`, person.key, {
    ...body,
    occurredAt,
    signature: { deviceKeyId: person.deviceKeyId, value },
  });
}
