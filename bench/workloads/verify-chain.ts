import canonicalize from 'canonicalize';
import { createHash } from 'node:crypto';
import { Client } from 'pg';
import { createActor, createLots } from '../lib/api';
import { extendChain } from '../lib/ledger-data';
import { client } from '../lib/load';
import { quantile, sortNumbers } from '../lib/stats';
import type { BenchContext, Workload } from '../lib/workload';

interface VerifyFixture {
  headers: Record<string, string>;
  /** Lot id by chain length. */
  lots: Map<number, string>;
}

const fixtures = new WeakMap<object, VerifyFixture>();

async function fixture(ctx: BenchContext, lengths: number[]): Promise<VerifyFixture> {
  const cached = fixtures.get(ctx.service);
  if (cached) return cached;
  const actor = await createActor(ctx);
  const ids = await createLots(ctx, actor, lengths.length);
  const db = new Client({ connectionString: ctx.service.databaseUrl });
  await db.connect();
  try {
    // Seq 1 came through the API; the rest is chained in Node and loaded by COPY.
    for (let i = 0; i < lengths.length; i++) await extendChain(db, ids[i], lengths[i] - 1, actor);
    await db.query('VACUUM ANALYZE custody_events');
  } finally {
    await db.end();
  }
  const fx = { headers: actor.headers, lots: new Map(lengths.map((n, i) => [n, ids[i]])) };
  fixtures.set(ctx.service, fx);
  return fx;
}

/**
 * Baseline: what any client can do with the rows — fetch the chain with plain `pg`, build each
 * event's content, canonicalise it (the `canonicalize` package, RFC 8785) and SHA-256 it, checking the links.
 */
async function rawVerify(db: Client, lotId: string): Promise<number> {
  const { rows } = await db.query(
    `SELECT e.seq, e.format, e.type, e.occurred_at, e.recorded_at, e.actor_organisation_id, e.actor_member_id,
            e.payload, encode(e.prev_hash, 'hex') AS prev_hash, encode(e.hash, 'hex') AS hash
       FROM custody_events e JOIN lots l ON l.id = e.lot_id AND l.created_at = e.chain_started_at
      WHERE e.lot_id = $1 ORDER BY e.seq`,
    [lotId],
  );
  let prev = '0'.repeat(64);
  for (const r of rows) {
    const content = {
      v: r.format,
      lotId,
      seq: r.seq,
      prevHash: r.prev_hash,
      type: r.type,
      occurredAt: (r.occurred_at as Date).toISOString(),
      recordedAt: (r.recorded_at as Date).toISOString(),
      actor: { organisationId: r.actor_organisation_id, memberId: r.actor_member_id },
      payload: r.payload,
    };
    const hash = createHash('sha256').update(canonicalize(content)!, 'utf8').digest('hex');
    if (hash !== r.hash || r.prev_hash !== prev) throw new Error(`baseline: chain broken at ${r.seq}`);
    prev = hash;
  }
  return rows.length;
}

async function timed(n: number, warmup: number, fn: () => Promise<void>): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await fn();
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await fn();
    out.push(performance.now() - t0);
  }
  return sortNumbers(out);
}

/** Workload 4: GET /v1/lots/{id}/verification of a 1,000- and a 10,000-event chain. */
export const verifyChain: Workload = {
  name: 'verify-chain',
  title: '4. Chain verification via the API (1,000 and 10,000 events)',
  target: '≤ 15 ms (1,000 events) / ≤ 150 ms (10,000 events)',
  met: (m) => m.verify_1000_median_ms <= 15 && m.verify_10000_median_ms <= 150,
  async run(ctx) {
    const lengths = ctx.smoke ? [100, 1_000] : [1_000, 10_000];
    const fx = await fixture(ctx, lengths);
    const http = client(ctx.service.baseUrl, 1);
    const db = new Client({ connectionString: ctx.service.databaseUrl });
    await db.connect();
    const metrics: Record<string, number> = {};
    const baseline: Record<string, number> = {};
    try {
      for (const n of lengths) {
        const id = fx.lots.get(n)!;
        const check = await fetch(`${ctx.service.baseUrl}/v1/lots/${id}/verification`, { headers: fx.headers });
        const verdict = (await check.json()) as { ok: boolean; eventsChecked: number };
        if (!verdict.ok || verdict.eventsChecked !== n) throw new Error(`verification: ${JSON.stringify(verdict)}`);
        const reps = ctx.smoke ? 3 : n >= 10_000 ? 15 : 40;
        const api = await timed(reps, 3, async () => {
          const status = await http.send({ method: 'GET', path: `/v1/lots/${id}/verification`, headers: fx.headers });
          if (status !== 200) throw new Error(`verification → ${status}`);
        });
        const raw = await timed(reps, 2, async () => {
          if ((await rawVerify(db, id)) !== n) throw new Error('baseline: wrong chain length');
        });
        metrics[`verify_${n}_median_ms`] = quantile(api, 0.5);
        metrics[`verify_${n}_p90_ms`] = quantile(api, 0.9);
        baseline[`raw_${n}_median_ms`] = quantile(raw, 0.5);
        metrics[`ratio_${n}_to_raw`] = quantile(api, 0.5) / quantile(raw, 0.5);
      }
    } finally {
      await db.end();
      await http.close();
    }
    return {
      metrics,
      baseline,
      notes:
        'sequential requests after warm-up; chains: genesis through the API, the rest PACKAGED events chained in Node and loaded by COPY; raw = pg fetch + canonicalize + SHA-256 in the bench process',
    };
  },
};
