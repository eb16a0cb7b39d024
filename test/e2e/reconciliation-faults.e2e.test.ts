/**
 * Fault tests: a full run over thousands of lots completes, reconciling every subject once, while
 * worker processes are SIGKILLed, while Redis loses the queues' keys, while PostgreSQL drops every
 * connection. Workers are real `node dist/src/worker.js` processes on the test's database.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { bulkLots } from '../support/bulk-lots';
import { createActor, startTestApp, type Actor, type TestApp } from '../support/test-app';
import { waitFor } from '../support/wait-for';

const LOTS = 3_000;
/** One lot in ten was generated 100 days ago and never touched: an ORPHAN_LOT each. */
const ORPHANS = LOTS / 10;
const DAY = 86_400_000;

const FAST = {
  OUTBOX_POLL_MS: '50',
  OUTBOX_REDISPATCH_MS: '2000',
  JOB_LOCK_MS: '2000',
  RECONCILIATION_BATCH_SIZE: '25',
  RECONCILIATION_SWEEP_MS: '3600000',
};

describe('reconciliation under faults', { timeout: 120_000 }, () => {
  let t: TestApp;
  let generators: Actor[];
  const workers = new Set<ChildProcess>();
  const log = createWriteStream(join(process.env.TMPDIR ?? '/tmp', `reconciliation-faults-${process.pid}.log`));

  const spawnWorker = (): ChildProcess => {
    const child = spawn(process.execPath, [join(__dirname, '..', '..', 'src', 'worker.js')], {
      env: {
        ...process.env,
        ...FAST,
        DATABASE_URL: t.config.DATABASE_URL,
        REDIS_URL: t.config.REDIS_URL,
        QUEUE_PREFIX: t.config.QUEUE_PREFIX,
        MIGRATIONS_RUN: 'false',
        DATABASE_AUTO_CREATE: 'false',
        DATABASE_POOL_SIZE: '6',
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.pipe(log, { end: false });
    child.stderr!.pipe(log, { end: false });
    workers.add(child);
    child.once('exit', () => workers.delete(child));
    return child;
  };
  const kill = async (child: ChildProcess, signal: NodeJS.Signals) => {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill(signal);
    await exited;
  };

  const run = async (id: string) =>
    (await t.http().get(`/v1/reconciliation/runs/${id}`).set(t.admin).expect(200)).body as {
      status: string;
      progress: { processed: number; total: number; batchesDone: number; batchesTotal: number };
      flagsRaised: number;
    };
  const start = async () => (await t.http().post('/v1/reconciliation/runs').set(t.admin).send({}).expect(202)).body.id;
  const completed = (id: string, timeoutMs = 60_000) =>
    waitFor(
      async () => {
        const r = await run(id).catch(() => null);
        if (r?.status === 'FAILED') throw new Error(`run failed: ${JSON.stringify(r)}`);
        return r?.status === 'COMPLETED' ? r : null;
      },
      timeoutMs,
      100,
    );

  /** Every lot reconciled since `since`, every batch counted once, one open ORPHAN_LOT per orphan and nothing else. */
  async function assertReconciled(id: string, since: Date) {
    const r = await run(id);
    assert.equal(r.status, 'COMPLETED');
    assert.equal(r.progress.processed, r.progress.total);
    assert.equal(r.progress.batchesDone, r.progress.batchesTotal);
    assert.ok(r.progress.total >= LOTS);
    const batches = await t.db.query(
      `SELECT count(*)::int AS n, sum(subjects)::int AS subjects FROM reconciliation_run_batches WHERE run_id = $1`,
      [id],
    );
    assert.deepEqual(batches.rows[0], { n: r.progress.batchesTotal, subjects: r.progress.total });
    const stale = await t.db.query(
      `SELECT count(*)::int AS n FROM lots l
        WHERE NOT EXISTS (SELECT 1 FROM reconciliation_subjects s
                           WHERE s.subject_type = 'LOT' AND s.subject_id = l.id::text AND s.evaluated_at >= $1)`,
      [since],
    );
    assert.equal(stale.rows[0].n, 0, 'every lot reconciled by this run');
    const flags = await t.db.query(
      `SELECT rule_id, status, count(*)::int AS n FROM flags GROUP BY rule_id, status ORDER BY rule_id, status`,
    );
    assert.deepEqual(flags.rows, [{ rule_id: 'ORPHAN_LOT', status: 'OPEN', n: ORPHANS }]);
    const raised = await t.db.query(`SELECT count(*)::int AS n FROM flag_events WHERE kind = 'RAISED'`);
    assert.equal(raised.rows[0].n, ORPHANS, 'each flag raised once, ever');
  }

  before(async () => {
    t = await startTestApp(FAST, { worker: false });
    // Terminated connections must not crash the test's own pool.
    t.db.on('error', () => undefined);
    generators = [];
    for (let i = 0; i < 5; i++) generators.push(await createActor(t, { roles: ['GENERATOR'], region: '371502' }));
    const now = Date.now();
    await bulkLots(
      t.app,
      Array.from({ length: LOTS }, (_, i) => ({
        generatorId: generators[i % generators.length].organisationId,
        occurredAt: new Date(now - (i % 10 === 0 ? 100 * DAY : 3_600_000)),
      })),
    );
  });

  after(async () => {
    await Promise.all([...workers].map((w) => kill(w, 'SIGKILL')));
    log.end();
    await t.close();
  });

  const redispatched = async () =>
    (await t.db.query(`SELECT count(*)::int AS n FROM outbox_messages WHERE dispatch_count > 1`)).rows[0].n as number;

  it('(a) workers SIGKILLed again and again during a run: it completes, every lot once, no duplicate flag', async (ctx) => {
    const since = new Date();
    const id = await start();
    // One worker at a time: each is killed without warning as soon as the run has moved on under
    // it (mid-transaction, mid-batch, with claimed outbox rows and active jobs), and replaced.
    spawnWorker();
    let seen = -1;
    let kills = 0;
    while (kills < 6) {
      const r = await waitFor(
        async () => {
          const now = await run(id);
          return now.status === 'COMPLETED' || (now.status === 'RUNNING' && now.progress.processed > seen) ? now : null;
        },
        30_000,
        10,
      );
      if (r.status === 'COMPLETED') break;
      seen = r.progress.processed;
      await kill([...workers][0], 'SIGKILL');
      kills += 1;
      spawnWorker();
    }
    spawnWorker();
    const done = await completed(id);
    assert.ok(kills >= 3, `workers killed mid-run: ${kills}`);
    ctx.diagnostic(`${kills} workers killed mid-run; ${await redispatched()} outbox rows dispatched more than once`);
    assert.equal(done.flagsRaised, ORPHANS);
    await assertReconciled(id, since);
  });

  it('(b) Redis loses every queue key mid-run: the outbox dispatches again and the run completes', async (ctx) => {
    const redis = new Redis(t.config.REDIS_URL);
    const flushQueues = async () => {
      let cursor = '0';
      let deleted = 0;
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${t.config.QUEUE_PREFIX}:*`, 'COUNT', 1000);
        cursor = next;
        if (keys.length > 0) deleted += await redis.unlink(...keys);
      } while (cursor !== '0');
      return deleted;
    };
    try {
      while (workers.size < 2) spawnWorker();
      const since = new Date();
      const id = await start();
      // Lost before planning, and lost again while batches are running.
      await flushQueues();
      await waitFor(async () => (await run(id)).progress.processed > 0 || null, 30_000, 20);
      const mid = await run(id);
      assert.ok(mid.progress.processed < mid.progress.total, 'flushed mid-run');
      const deleted = await flushQueues();
      assert.ok(deleted > 0);
      await completed(id);
      ctx.diagnostic(
        `flushed at ${mid.progress.processed}/${mid.progress.total} (${deleted} keys); ${await redispatched()} rows redispatched so far`,
      );
      await assertReconciled(id, since);
    } finally {
      redis.disconnect();
    }
  });

  it('(c) PostgreSQL drops every connection mid-run: workers and API recover without a restart', async (ctx) => {
    while (workers.size < 2) spawnWorker();
    const since = new Date();
    const pids = [...workers].map((w) => w.pid);
    const id = await start();
    await waitFor(async () => (await run(id)).progress.processed > 0 || null, 30_000, 20);
    const terminate = () =>
      t.db.query(
        `SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity
          WHERE datname = current_database() AND pid <> pg_backend_pid()`,
      );
    const first = await terminate();
    assert.ok(first.rows[0].n > 0);
    const at = await run(id).catch(() => null);
    ctx.diagnostic(
      `${first.rows[0].n} connections terminated at ${at?.progress.processed ?? '?'}/${at?.progress.total ?? '?'}`,
    );
    // The API answers again on its own…
    await waitFor(
      async () => (await t.http().get(`/v1/reconciliation/runs/${id}`).set(t.admin)).status === 200,
      10_000,
    );
    await terminate();
    // …and the same worker processes finish the run.
    const r = await completed(id);
    assert.deepEqual(
      [...workers].map((w) => w.pid),
      pids,
      'no worker was restarted',
    );
    assert.equal(r.status, 'COMPLETED');
    await assertReconciled(id, since);
    const failures = await t.db.query(`SELECT count(*)::int AS n FROM job_failures`);
    assert.equal(failures.rows[0].n, 0, 'no job failed for good');
  });
});
