import { randomBytes } from 'node:crypto';
import { Pool } from 'pg';
import { sealEvents } from '../../src/ledger/domain/event-hash';
import { createActor, createLots, packagedEvent, type BenchActor } from '../lib/api';
import { ledgerSql } from '../lib/ledger-sql';
import { closedLoop, openLoop, type HttpCall } from '../lib/load';
import { latencySummary } from '../lib/stats';
import type { Workload } from '../lib/workload';

interface HotFixture {
  actor: BenchActor;
  lotId: string;
  /** All events share one occurredAt: concurrent clients never trip the "not before the previous event" rule. */
  occurredAt: string;
}

const fixtures = new WeakMap<object, HotFixture>();

/** Workload 3: appends to one hot lot. */
export const hotLot: Workload = {
  name: 'hot-lot',
  title: '3. Appends to one hot lot over HTTP',
  target: '≥ 500 events/s',
  met: (m) => m.events_per_s >= 500,
  async run(ctx) {
    let fx = fixtures.get(ctx.service);
    if (!fx) {
      const actor = await createActor(ctx);
      const [lotId] = await createLots(ctx, actor, 1);
      fx = { actor, lotId, occurredAt: new Date().toISOString() };
      fixtures.set(ctx.service, fx);
    }
    const { actor, lotId, occurredAt } = fx;
    const run = randomBytes(4).toString('hex');
    const call =
      (phase: string) =>
      (i: number): HttpCall => ({
        method: 'POST',
        path: `/v1/lots/${lotId}/events`,
        headers: { ...actor.headers, 'idempotency-key': `${run}-${phase}-${i}` },
        body: packagedEvent(occurredAt, i),
      });
    const durationMs = ctx.smoke ? 600 : 5_000;
    const closed = await closedLoop(ctx.service.baseUrl, call('c'), {
      concurrency: 32,
      durationMs,
      warmupMs: ctx.smoke ? 200 : 1_000,
    });
    const open = await openLoop(ctx.service.baseUrl, call('o'), { rate: ctx.smoke ? 200 : 500, durationMs });
    const openLat = latencySummary(open.latencies);

    // Baseline: the service's own statements on one connection, one event per statement:
    // read the head, seal the event in Node, compare-and-set append (autocommit).
    const pool = new Pool({ connectionString: ctx.service.databaseUrl, max: 1 });
    let rawRate: number;
    try {
      const { repository, executor } = ledgerSql(pool);
      const actorRow = { organisationId: actor.organisationId, memberId: null, actor: 'bench' };
      const stopAt = performance.now() + (ctx.smoke ? 500 : 3_000);
      const t0 = performance.now();
      let n = 0;
      while (performance.now() < stopAt) {
        const [head] = await repository.readHeads(executor, [lotId]);
        const now = new Date();
        const event = {
          type: 'PACKAGED',
          occurredAt: new Date(occurredAt),
          payload: { handlerName: '李四', packagingType: 'DRUM', containerCount: 1 },
        };
        const sealed = sealEvents(lotId, head, [event], now, actorRow);
        const written = await repository.appendLots(
          executor,
          [
            {
              lotId,
              expectedSeq: head.seq,
              events: sealed,
              occurredAt: event.occurredAt,
              effects: { packagingType: 'DRUM', containerCount: 1 },
              parties: [],
            },
          ],
          { recordedAt: now, outbox: true },
        );
        if (written.size === 1) n++;
      }
      rawRate = n / ((performance.now() - t0) / 1000);
    } finally {
      await pool.end();
    }
    return {
      metrics: {
        events_per_s: closed.rps,
        closed_p99_ms: latencySummary(closed.latencies).p99,
        [`open_${ctx.smoke ? 200 : 500}rps_p50_ms`]: openLat.p50,
        [`open_${ctx.smoke ? 200 : 500}rps_p99_ms`]: openLat.p99,
        ratio_to_raw_pg: closed.rps / rawRate,
        errors: closed.errors + open.errors,
      },
      baseline: { raw_pg_serial_events_per_s: rawRate },
      notes:
        'one lot, PACKAGED events with Idempotency-Key, 32 connections closed loop; raw pg = the service’s head read + compare-and-set append statement, 1 connection, one event per statement',
    };
  },
};
