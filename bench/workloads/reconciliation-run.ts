import { randomInt } from 'node:crypto';
import { Pool } from 'pg';
import { creditCodeCheckCharacter } from '../../src/organisations/domain/credit-code';
import { insertLots } from '../lib/bulk-lots';
import type { Workload } from '../lib/workload';

const DAY = 86_400_000;

async function post(ctx: Parameters<Workload['run']>[0], path: string, body: unknown) {
  const res = await fetch(`${ctx.service.baseUrl}${path}`, {
    method: 'POST',
    headers: { ...ctx.admin, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as { id: string };
}

/** A random checksum-valid unified social credit code in a region. */
function creditCode(region: string): string {
  const alphabet = '0123456789ABCDEFGHJKLMNPQRTUWXY';
  let body = `91${region}`;
  while (body.length < 17) body += alphabet[randomInt(alphabet.length)];
  return body + creditCodeCheckCharacter(body)!;
}

/**
 * Workload 5: a full reconciliation run over N lots (100k at scale 1): POST /v1/reconciliation/runs,
 * then the worker plans (set-based selection, batches of RECONCILIATION_BATCH_SIZE written to the
 * outbox) and reconciles every batch (facts loaded set-based, rules, flags). Figure: the run's own
 * duration (started → finished) and subjects per second. One lot in ten is an orphan (generated
 * 100 days ago), so the run also raises flags; a tenth of the lots belong to two collectors, whose
 * facility months are reconciled too. Baseline: reading every lot and event once.
 */
export const reconciliationRun: Workload = {
  name: 'reconciliation-run',
  title: '5. Full reconciliation run',
  target: '100k lots reconciled in ≤ 60 s',
  met: (m) => m.lots >= 100_000 && m.run_s <= 60,
  async run(ctx) {
    const n = Math.round((ctx.smoke ? 2_000 : 100_000) * ctx.scale);
    const pool = new Pool({ connectionString: ctx.service.databaseUrl, max: 4 });
    try {
      const orgs: Array<{ id: string }> = [];
      for (let i = 0; i < 20; i++) {
        orgs.push(
          await post(ctx, '/v1/organisations', {
            name: `bench ${i < 2 ? 'collector' : 'generator'} ${i}`,
            // Two collectors: their lots give facility months (MASS_BALANCE) to reconcile too.
            roles: [i < 2 ? 'COLLECTOR' : 'GENERATOR'],
            registrationCode: creditCode('371502'),
            regionCode: '371502',
          }),
        );
      }
      const now = Date.now();
      const lots = Array.from({ length: n }, (_, i) => ({
        generatorId: orgs[i % orgs.length].id,
        occurredAt: new Date(now - (i % 10 === 0 ? 100 * DAY : 3_600_000)),
        grams: 1000 + (i % 1000),
      }));
      const l0 = performance.now();
      await insertLots(pool, lots);
      const loadS = (performance.now() - l0) / 1000;

      const b0 = performance.now();
      await pool.query(
        `SELECT count(*), sum(length(e.payload::text)) FROM lots l
           JOIN custody_events e ON e.lot_id = l.id AND e.chain_started_at = l.created_at`,
      );
      const readS = (performance.now() - b0) / 1000;

      const { id } = await post(ctx, '/v1/reconciliation/runs', {});
      let run: { status: string; durationMs: number; progress: { total: number }; flagsRaised: number };
      const deadline = Date.now() + 30 * 60_000;
      for (;;) {
        const res = await fetch(`${ctx.service.baseUrl}/v1/reconciliation/runs/${id}`, { headers: ctx.admin });
        run = (await res.json()) as typeof run;
        if (run.status === 'COMPLETED' || run.status === 'FAILED') break;
        if (Date.now() > deadline) throw new Error('run did not finish');
        await new Promise((r) => setTimeout(r, 100));
      }
      if (run.status !== 'COMPLETED') throw new Error(`run ${id} ${run.status}`);
      const runS = run.durationMs / 1000;
      return {
        metrics: {
          lots: n,
          run_s: runS,
          subjects_per_s: run.progress.total / runS,
          flags_raised: run.flagsRaised,
          bulk_load_lots_per_s: n / loadS,
        },
        baseline: { read_all_events_s: readS },
        notes: `${run.progress.total} subjects; lots inserted set-based at ${Math.round(n / loadS)}/s`,
      };
    } finally {
      await pool.end();
    }
  },
};
