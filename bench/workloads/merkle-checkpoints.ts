import { randomInt } from 'node:crypto';
import { Pool } from 'pg';
import { creditCodeCheckCharacter } from '../../src/organisations/domain/credit-code';
import { openLoop } from '../lib/load';
import { latencySummary } from '../lib/stats';
import { until } from '../lib/wait';
import type { Workload } from '../lib/workload';

const ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';

async function api(base: string, path: string, auth: string, body?: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(`${base}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { authorization: auth, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = (await res.json()) as Record<string, unknown>;
  if (res.status >= 300) throw new Error(`${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

/** Custody events written straight into the table (background volume: the log does not read their content). */
const INSERT_EVENTS = `
  INSERT INTO custody_events (lot_id, seq, chain_started_at, format, type, occurred_at, recorded_at,
                              actor_organisation_id, payload, prev_hash, hash)
  SELECT l.id, l.head_seq + $2 + g, l.created_at, 1, 'STORED', clock_timestamp(), clock_timestamp(),
         l.generator_organisation_id, '{"handlerName":"bench"}', l.head_hash, sha256(gen_random_uuid()::text::bytea)
    FROM lots l, generate_series(1, $3) AS g
   WHERE l.id = $1`;

/**
 * Workload 9: the scheduled checkpoint job under load, and inclusion proof latency.
 * - bulk: 50k events committed at once → time until a checkpoint covers them all (slices of
 *   CHECKPOINT_MAX_LEAVES);
 * - steady: 1,000 single-event commits per second for 5 s → the gap between checkpoints and the
 *   integration latency (event recorded → first checkpoint covering it was issued);
 * - proofs: open loop at 200 req/s on events recorded through the API.
 */
export const merkleCheckpoints: Workload = {
  name: 'merkle-checkpoints',
  title: '9. Merkle checkpoints; inclusion proofs',
  target: 'a checkpoint at least every second under load, integration p99 ≤ 2 s; proof p99 ≤ 5 ms',
  met: (m) => m.checkpoint_gap_max_ms <= 1_000 + 250 && m.integration_p99_ms <= 2_000 && m.proof_p99_ms <= 5,
  async run(ctx) {
    const base = ctx.service.baseUrl;
    const admin = ctx.admin.authorization;
    const pool = new Pool({ connectionString: ctx.service.databaseUrl, max: 16 });
    try {
      // A generator with lots and events recorded through the API: the events proofs are asked for.
      const suffix = String(Date.now()).slice(-6);
      const org = await api(base, '/v1/organisations', admin, {
        name: `bench ${suffix}`,
        roles: ['GENERATOR'],
        registrationCode: creditCode(),
        regionCode: '371502',
      });
      const member = await api(base, '/v1/members', admin, { organisationId: org.id, name: 'bench', role: 'ADMIN' });
      const key = await api(base, '/v1/api-keys', admin, { memberId: member.id, name: 'bench' });
      const auth = `Bearer ${key.token as string}`;
      const lots: string[] = [];
      for (let i = 0; i < 20; i++) {
        const lot = await api(base, '/v1/lots', auth, {
          wasteCode: '900-041-49',
          quantity: { value: '1', unit: 'kg' },
          quantityMethod: 'WEIGHED',
          physicalForm: 'SOLID',
          packagingType: 'DRUM',
          containerCount: 1,
          mainConstituents: ['废包装桶'],
          hazardousConstituents: [],
          facilityCode: 'CS-001',
          handlerName: 'bench',
          occurredAt: '2024-06-01T08:00:00+08:00',
        });
        lots.push(lot.id as string);
      }
      const latestSize = async () =>
        Number((await pool.query(`SELECT coalesce(max(tree_size), 0)::int8 AS n FROM ledger_checkpoints`)).rows[0].n);
      const eventCount = async () =>
        Number((await pool.query(`SELECT count(*)::int8 AS n FROM custody_events`)).rows[0].n);
      await until(async () => (await latestSize()) === (await eventCount()), 30_000);

      // Bulk: n events in one commit, then wait for the job (scheduled every second) to cover them.
      const n = Math.round((ctx.smoke ? 2_000 : 50_000) * ctx.scale);
      const offset = 1_000_000 + Math.floor(Math.random() * 1_000_000_000);
      const t0 = performance.now();
      await pool.query(INSERT_EVENTS, [lots[0], offset, n]);
      const target = await eventCount();
      await until(async () => (await latestSize()) >= target, 120_000);
      const bulkMs = performance.now() - t0;

      // Steady: 1,000 single-event commits per second.
      const seconds = ctx.smoke ? 1 : 5;
      const startedAt = new Date();
      const start = performance.now();
      const inserts: Promise<unknown>[] = [];
      for (let k = 0; k < seconds * 1000; k++) {
        const due = start + k;
        const wait = due - performance.now();
        if (wait > 1) await new Promise((r) => setTimeout(r, wait));
        inserts.push(pool.query(INSERT_EVENTS, [lots[1 + (k % 19)], offset + n + k, 1]));
      }
      await Promise.all(inserts);
      const steadyTarget = await eventCount();
      await until(async () => (await latestSize()) >= steadyTarget, 60_000);
      const integration = await pool.query(
        `SELECT EXTRACT(EPOCH FROM (c.issued_at - e.recorded_at)) * 1000 AS ms
           FROM custody_events e
           JOIN ledger_log_entries l ON l.lot_id = e.lot_id AND l.seq = e.seq
           CROSS JOIN LATERAL (SELECT issued_at FROM ledger_checkpoints WHERE tree_size > l.log_index
                                ORDER BY tree_size LIMIT 1) c
          WHERE e.recorded_at >= $1`,
        [startedAt],
      );
      const lat = latencySummary(integration.rows.map((r: { ms: string }) => Number(r.ms)));
      const gaps = await pool.query(
        `SELECT max(gap) AS max_ms FROM (
           SELECT EXTRACT(EPOCH FROM (issued_at - lag(issued_at) OVER (ORDER BY tree_size))) * 1000 AS gap
             FROM ledger_checkpoints WHERE issued_at >= $1) g`,
        [startedAt],
      );

      // Proofs: events recorded through the API (seq 1 of each lot).
      const open = await openLoop(
        base,
        (k) => ({
          method: 'GET',
          path: `/v1/ledger/proofs/${lots[k % lots.length]}/1`,
          headers: { authorization: auth },
        }),
        { rate: 200, durationMs: ctx.smoke ? 500 : 5_000 },
      );
      const proof = latencySummary(open.latencies);
      return {
        metrics: {
          bulk_events_per_s: n / (bulkMs / 1000),
          checkpoint_gap_max_ms: Number(gaps.rows[0].max_ms ?? 0),
          integration_p50_ms: lat.p50,
          integration_p99_ms: lat.p99,
          proof_p50_ms: proof.p50,
          proof_p99_ms: proof.p99,
          proof_errors: open.errors,
        },
        baseline: {},
        notes:
          `bulk: ${n} events in one commit until covered by a checkpoint (CHECKPOINT_INTERVAL_MS 1000, ` +
          `slices of CHECKPOINT_MAX_LEAVES); steady: ${seconds * 1000} single-event commits at 1,000/s; ` +
          `proofs: open loop 200 req/s against a log of ${steadyTarget} events`,
      };
    } finally {
      await pool.end();
    }
  },
};

/** A random, checksum-valid unified social credit code in 371502. */
function creditCode(): string {
  let body = '91371502';
  while (body.length < 17) body += ALPHABET[randomInt(ALPHABET.length)];
  return body + creditCodeCheckCharacter(body);
}
