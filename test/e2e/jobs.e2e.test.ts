import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DataSource } from 'typeorm';
import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { QueueName } from '../../src/queue/job-contracts';
import { JobQueue } from '../../src/queue/job-queue';
import { OutboxRelayService } from '../../src/queue/outbox-relay.service';
import { mergedJobId, outboxJobId, OutboxRepository } from '../../src/queue/outbox.repository';
import type { WorkerService } from '../../src/queue/worker.service';
import { startTestApp, type TestApp } from '../support/test-app';
import { waitFor } from '../support/wait-for';

describe('outbox → BullMQ → worker', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp({ OUTBOX_POLL_MS: '20', OUTBOX_REDISPATCH_MS: '1000' }, { worker: true });
  });
  after(() => t.close());

  const processed = (id: string) => async () => {
    const { rows } = await t.db.query('SELECT processed_at FROM outbox_messages WHERE id = $1', [id]);
    return rows[0]?.processed_at ? true : null;
  };

  it('a job written in a committed transaction runs and is marked processed', async () => {
    await t.db.query(
      `INSERT INTO idempotency_keys (scope, key, request_hash, locked_until, created_at)
       VALUES ('test', 'old', repeat('0', 64), now(), now() - interval '30 days')`,
    );
    const dataSource = t.app.get(DataSource);
    await dataSource.transaction((manager) =>
      t.app
        .get(OutboxRepository)
        .enqueue(manager, [
          { name: 'maintenance.purge-expired', payload: { idempotencyRetentionHours: 24, outboxRetentionHours: 24 } },
        ]),
    );
    const { rows } = await t.db.query(`SELECT id::text FROM outbox_messages ORDER BY id DESC LIMIT 1`);
    await waitFor(processed(rows[0].id));
    const left = await t.db.query(`SELECT count(*)::int AS n FROM idempotency_keys WHERE key = 'old'`);
    assert.equal(left.rows[0].n, 0);
  });

  it('a rolled-back transaction leaves no job', async () => {
    const before = await t.db.query('SELECT count(*)::int AS n FROM outbox_messages');
    await assert.rejects(
      t.app.get(DataSource).transaction(async (manager) => {
        await t.app
          .get(OutboxRepository)
          .enqueue(manager, [
            { name: 'maintenance.purge-expired', payload: { idempotencyRetentionHours: 24, outboxRetentionHours: 24 } },
          ]);
        throw new Error('roll back');
      }),
    );
    const after = await t.db.query('SELECT count(*)::int AS n FROM outbox_messages');
    assert.equal(after.rows[0].n, before.rows[0].n);
  });

  it('a job that Redis lost after dispatch is dispatched again and runs', async () => {
    const { rows } = await t.db.query(
      `INSERT INTO outbox_messages (job_name, payload, dispatched_at, dispatch_count)
       VALUES ('maintenance.purge-expired', '{"idempotencyRetentionHours":24,"outboxRetentionHours":24}', now() - interval '1 hour', 1)
       RETURNING id::text`,
    );
    await waitFor(processed(rows[0].id));
    const row = await t.db.query('SELECT dispatch_count FROM outbox_messages WHERE id = $1', [rows[0].id]);
    assert.equal(row.rows[0].dispatch_count, 2);
  });
});

describe('outbox claim order', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp(); // no worker: nothing claims but the test
  });
  after(() => t.close());

  it('rows never dispatched are claimed before a backlog of dispatched rows still waiting on workers', async () => {
    const payload = '{"idempotencyRetentionHours":24,"outboxRetentionHours":24}';
    await t.db.query(
      `INSERT INTO outbox_messages (job_name, payload, dispatched_at, dispatch_count)
       SELECT 'maintenance.purge-expired', $1::jsonb, now() - interval '1 hour', 1 FROM generate_series(1, 1200)`,
      [payload],
    );
    const { rows } = await t.db.query(
      `INSERT INTO outbox_messages (job_name, payload) VALUES ('maintenance.purge-expired', $1::jsonb) RETURNING id::text`,
      [payload],
    );
    const claimed = await t.app.get(OutboxRepository).claim(1000, 60_000);
    assert.equal(claimed.length, 1000);
    assert.equal(claimed[0].id, rows[0].id, 'the new row comes first');
    assert.deepEqual(
      claimed.slice(1).map((m) => m.dispatchCount),
      Array.from({ length: 999 }, () => 2),
      'the rest of the batch: stale rows, to be checked against Redis',
    );
  });
});

describe('redispatch of merged jobs', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp(); // no worker: jobs stay waiting in Redis
  });
  after(() => t.close());

  it('rows of a merged job still waiting behind a long queue are not taken for lost and dispatched again', async () => {
    const lot = () => randomUUID();
    const { rows } = await t.db.query(
      `INSERT INTO outbox_messages (job_name, payload)
       SELECT 'reconciliation.lots-changed', jsonb_build_object('lotIds', jsonb_build_array(x)) FROM unnest($1::text[]) AS x
       RETURNING id::text`,
      [[lot(), lot(), lot()]],
    );
    const ids = rows.map((r: { id: string }) => r.id);
    const queue = t.app.get(JobQueue);
    // The relay alone (no worker in this app): its failure path is not reached here.
    const relay = new OutboxRelayService(t.config, t.app.get(OutboxRepository), queue, {} as WorkerService);
    await relay.relayOnce();
    const merged = mergedJobId(ids);
    assert.ok(await queue.getJob('reconciliation.lots-changed', merged), 'one merged job');
    // A minute later the job still waits (busy workers): the rows are claimed again and checked.
    await t.db.query(
      `UPDATE outbox_messages SET dispatched_at = now() - interval '1 hour' WHERE id = ANY($1::bigint[])`,
      [ids],
    );
    assert.equal(await relay.relayOnce(), 3);
    for (const id of ids) {
      assert.equal(await queue.getJob('reconciliation.lots-changed', outboxJobId(id)), undefined, `row ${id} alone`);
    }
    const after = await t.db.query(`SELECT DISTINCT job_id FROM outbox_messages WHERE id = ANY($1::bigint[])`, [ids]);
    assert.deepEqual(
      after.rows.map((r: { job_id: string }) => r.job_id),
      [merged],
    );
  });
});

describe('outbox relay under a backlog', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp(); // no worker: the relay below is the only one, jobs stay waiting
  });
  after(() => t.close());

  it('rounds side by side dispatch every row of a backlog once, each into its own job', async () => {
    const n = 4_500;
    await t.db.query(
      `INSERT INTO outbox_messages (job_name, payload)
       SELECT 'maintenance.purge-expired', '{"idempotencyRetentionHours":24,"outboxRetentionHours":24}'::jsonb
         FROM generate_series(1, $1::int)`,
      [n],
    );
    const relay = new OutboxRelayService(
      t.config,
      t.app.get(OutboxRepository),
      t.app.get(JobQueue),
      {} as WorkerService,
    );
    relay.onApplicationBootstrap();
    try {
      await waitFor(async () => {
        const { rows } = await t.db.query(`SELECT count(*)::int AS n FROM outbox_messages WHERE dispatched_at IS NULL`);
        return rows[0].n === 0;
      }, 20_000);
    } finally {
      await relay.onApplicationShutdown();
    }
    const { rows } = await t.db.query(
      `SELECT count(*)::int AS n, max(dispatch_count) AS most, min(dispatch_count) AS least FROM outbox_messages`,
    );
    assert.deepEqual(rows[0], { n, most: 1, least: 1 }, 'each row claimed once');
    const queue = new Queue(QueueName.MAINTENANCE, {
      connection: { url: t.config.REDIS_URL },
      prefix: t.config.QUEUE_PREFIX,
    });
    try {
      assert.equal(await queue.getWaitingCount(), n, 'one job per row');
    } finally {
      await queue.close();
    }
  });
});
