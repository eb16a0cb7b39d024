import assert from 'node:assert/strict';
import type { PoolClient } from 'pg';
import { now } from './lots';
import type { District } from './manifests';
import type { Actor, TestApp } from './test-app';

/** Drafts a manifest for the generator's lots (two carriers, to the treater). */
export async function draftFor(
  t: TestApp,
  d: District,
  body: Record<string, unknown>,
  consignor: Actor = d.generator,
): Promise<{ id: string; number: string }> {
  const res = await t.http().post('/v1/manifests').set(consignor.auth).send(body);
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body;
}

const post = async (t: TestApp, id: string, action: string, actor: Actor, body: Record<string, unknown>) => {
  const res = await t
    .http()
    .post(`/v1/manifests/${id}/${action}`)
    .set(actor.auth)
    .send({ occurredAt: now(), ...body });
  assert.equal(res.status, 200, `${action}: ${JSON.stringify(res.body)}`);
  return res.body;
};

/**
 * Runs a drafted manifest through its whole lifecycle: submit, pickup, relay, deliver, receive
 * (`received` kg per line, all accepted), complete (D10, everything accepted).
 */
export async function runLifecycle(
  t: TestApp,
  d: District,
  manifestId: string,
  receivedKg: string[],
  consignor: Actor = d.generator,
): Promise<void> {
  await post(t, manifestId, 'submit', consignor, {});
  await post(t, manifestId, 'pickup', d.carrier1Driver, { location: '东昌府区汽修厂' });
  await post(t, manifestId, 'relay', d.carrier2, { location: '济聊高速服务区' });
  await post(t, manifestId, 'deliver', d.treater, {});
  const lines = receivedKg.map((value, i) => ({
    lineNo: i + 1,
    received: { value, unit: 'kg' },
    decision: 'ACCEPTED',
  }));
  await post(t, manifestId, 'receive', d.treater, { lines });
  await post(t, manifestId, 'complete', d.treater, {
    lines: receivedKg.map((value, i) => ({ lineNo: i + 1, operationCode: 'D10', treated: { value, unit: 'kg' } })),
  });
}

/** Runs SQL as the superuser with triggers disabled: what a tamperer could do. */
export async function tamper(t: TestApp, sql: string, params: unknown[]): Promise<void> {
  const client: PoolClient = await t.db.connect();
  try {
    await client.query('BEGIN');
    await client.query(`SET LOCAL session_replication_role = replica`);
    const result = await client.query(sql, params);
    assert.equal(result.rowCount, 1, sql);
    await client.query('COMMIT');
  } finally {
    client.release();
  }
}

/** Inserts a flag as reconciliation would (for reading it back through the audit). */
export async function insertFlag(
  t: TestApp,
  f: { ruleId: string; subjectType: string; subjectId: string; organisationIds: string[]; status?: string },
): Promise<string> {
  const { rows } = await t.db.query(
    `INSERT INTO flags (rule_id, severity, action, status, dedupe_key, subject_type, subject_id, organisation_ids,
                        region_codes, message, evidence, profile_id, last_seen_at)
     SELECT $1::text, 'HIGH', 'FLAG', $6::flag_status, $1::text || ':' || $2::text || ':' || $3::text, $2::text, $3::text,
            $4::uuid[],
            COALESCE((SELECT array_agg(DISTINCT region_code::text) FROM organisations WHERE id = ANY($4::uuid[])), '{}'),
            $5::text, '{}'::jsonb, 'cn-default-2022', now()
     RETURNING id`,
    [f.ruleId, f.subjectType, f.subjectId, f.organisationIds, `${f.ruleId} on ${f.subjectType}`, f.status ?? 'OPEN'],
  );
  return rows[0].id as string;
}
