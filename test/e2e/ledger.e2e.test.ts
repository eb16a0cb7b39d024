import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { PoolClient } from 'pg';
import { EventType } from '../../src/ledger/domain/ledger-types';
import { LedgerWriter, type EventDraft } from '../../src/ledger/ledger-writer';
import { createLot, now, storedBody } from '../support/lots';
import { PREFIX } from '../support/test-database';
import { createActor, startTestApp, type Actor, type TestApp } from '../support/test-app';

const hasPython = spawnSync('python3', ['--version']).status === 0;

/** Appends `count` events to a lot through the engine, in batches of one statement each. */
async function grow(t: TestApp, actor: Actor, lotId: string, count: number, batch = 500): Promise<void> {
  const writer = t.app.get(LedgerWriter);
  const start = Date.parse('2024-06-02T00:00:00.000Z');
  let n = 0;
  while (n < count) {
    const size = Math.min(batch, count - n);
    const drafts: EventDraft[] = Array.from({ length: size }, (_, i) => {
      const k = n + i;
      return {
        type: k % 2 === 0 ? EventType.STORED : EventType.RETRIEVED,
        occurredAt: new Date(start + k * 60_000),
        payload: { handlerName: `handler ${k}`, location: { code: `ZC-${k % 7}`, type: 'WAREHOUSE' } },
      };
    });
    await writer.transaction((m) =>
      writer.appendEvents(m, lotId, drafts, {
        actor: { organisationId: actor.organisationId, memberId: actor.memberId, actor: `member:${actor.memberId}` },
      }),
    );
    n += size;
  }
}

/** Runs SQL as the superuser with triggers (and foreign keys) disabled: what a tamperer could do. */
async function tamper(t: TestApp, sql: string, params: unknown[]): Promise<void> {
  const client = await t.db.connect();
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

async function refused(client: { query: PoolClient['query'] }, sql: string, params: unknown[] = []): Promise<string> {
  try {
    await client.query(sql, params);
  } catch (error) {
    return (error as { code: string }).code + ' ' + (error as Error).message;
  }
  assert.fail(`not refused: ${sql}`);
}

describe('ledger', () => {
  let t: TestApp;
  let gen: Actor;

  before(async () => {
    t = await startTestApp();
    gen = await createActor(t, { roles: ['GENERATOR'], region: '371502' });
  });
  after(() => t.close());

  const verify = async (lotId: string) =>
    (await t.http().get(`/v1/lots/${lotId}/verification`).set(gen.auth).expect(200)).body;

  describe('verification after 1,000 events, and tampering caught at the exact seq', () => {
    let lotId: string;
    it('a 1,000-event chain recomputes OK', async () => {
      const lot = await createLot(t, gen);
      lotId = lot.id;
      const started = performance.now();
      await grow(t, gen, lotId, 999);
      const appendMs = performance.now() - started;
      const verifyStarted = performance.now();
      const result = await verify(lotId);
      const verifyMs = performance.now() - verifyStarted;
      assert.equal(result.ok, true, JSON.stringify(result));
      assert.equal(result.eventsChecked, 1000);
      assert.equal(result.headSeq, 1000);
      const row = await t.db.query(`SELECT encode(head_hash, 'hex') AS h FROM lots WHERE id = $1`, [lotId]);
      assert.equal(result.headHash, row.rows[0].h);
      console.log(
        `999 events appended in ${appendMs.toFixed(0)} ms; 1,000-event chain verified in ${verifyMs.toFixed(0)} ms`,
      );
    });
    it(
      'the chain as served verifies with the Python recipe of docs/ledger.md (no code of ours)',
      { skip: !hasPython },
      async () => {
        const events = [];
        let cursor: string | null = null;
        do {
          const page: { body: { items: unknown[]; nextCursor: string | null } } = await t
            .http()
            .get(`/v1/lots/${lotId}/events?limit=200${cursor ? `&cursor=${cursor}` : ''}`)
            .set(gen.auth)
            .expect(200);
          events.push(...page.body.items);
          cursor = page.body.nextCursor;
        } while (cursor);
        const lot = (await t.http().get(`/v1/lots/${lotId}`).set(gen.auth).expect(200)).body;
        const doc = readFileSync(join(__dirname, '..', '..', '..', 'docs', 'ledger.md'), 'utf8');
        const recipe = /```python\n([\s\S]*?)```/.exec(doc)![1];
        const script = `${recipe}\nimport sys\nd = json.load(sys.stdin)\nprint(json.dumps(verify(d['events'], d['seq'], d['hash'])))\n`;
        const run = (input: object) =>
          JSON.parse(execFileSync('python3', ['-c', script], { input: JSON.stringify(input), encoding: 'utf8' }));
        assert.equal(run({ events, seq: lot.head.seq, hash: lot.head.hash }), 'OK');
        const altered = events.map((e, i) =>
          i === 499 ? { ...(e as object), payload: { handlerName: 'someone else' } } : e,
        );
        assert.deepEqual(run({ events: altered, seq: lot.head.seq, hash: lot.head.hash }), [500, 'hash-mismatch']);
      },
    );
    it('a payload altered in SQL (superuser, triggers disabled) is caught at that seq', async () => {
      await tamper(
        t,
        `UPDATE custody_events SET payload = jsonb_set(payload, '{handlerName}', '"someone else"')
          WHERE lot_id = $1 AND seq = 500`,
        [lotId],
      );
      const result = await verify(lotId);
      assert.deepEqual(
        [result.ok, result.firstBadSeq, result.fault, result.eventsChecked],
        [false, 500, 'hash-mismatch', 499],
      );
    });
    it('a stored hash rewritten, a broken link, a deleted event, a deleted tail: each at its seq', async () => {
      const cases: Array<{ sql: string; seq: number; fault: string; expectSeq?: number }> = [
        {
          sql: `UPDATE custody_events SET hash = decode(repeat('ab', 32), 'hex') WHERE lot_id = $1 AND seq = $2`,
          seq: 7,
          fault: 'hash-mismatch',
        },
        {
          sql: `UPDATE custody_events SET prev_hash = decode(repeat('00', 32), 'hex') WHERE lot_id = $1 AND seq = $2`,
          seq: 12,
          fault: 'broken-link',
        },
        {
          sql: `UPDATE custody_events SET occurred_at = occurred_at + interval '1 ms' WHERE lot_id = $1 AND seq = $2`,
          seq: 3,
          fault: 'hash-mismatch',
        },
        {
          sql: `UPDATE custody_events SET actor_member_id = NULL WHERE lot_id = $1 AND seq = $2`,
          seq: 2,
          fault: 'hash-mismatch',
        },
        { sql: `DELETE FROM custody_events WHERE lot_id = $1 AND seq = $2`, seq: 9, fault: 'missing-event' },
        { sql: `DELETE FROM custody_events WHERE lot_id = $1 AND seq = $2`, seq: 20, fault: 'missing-event' },
        {
          sql: `UPDATE lots SET head_hash = decode(repeat('cd', 32), 'hex') WHERE id = $1 AND head_seq = $2`,
          seq: 20,
          fault: 'head-mismatch',
        },
      ];
      for (const c of cases) {
        const lot = await createLot(t, gen);
        await grow(t, gen, lot.id, 19);
        assert.equal((await verify(lot.id)).ok, true);
        await tamper(t, c.sql, [lot.id, c.seq]);
        const result = await verify(lot.id);
        assert.deepEqual([result.ok, result.firstBadSeq, result.fault], [false, c.seq, c.fault], c.sql);
      }
    });
  });

  describe('the database refuses UPDATE, DELETE and TRUNCATE', () => {
    let lotId: string;
    let partition: string;
    before(async () => {
      const lot = await createLot(t, gen);
      lotId = lot.id;
      const res = await t.db.query(`SELECT tableoid::regclass::text AS p FROM custody_events WHERE lot_id = $1`, [
        lotId,
      ]);
      partition = res.rows[0].p;
    });

    it('a lot’s events live in the partition of the month its chain began', async () => {
      const month = new Date().toISOString().slice(0, 7).replace('-', '');
      assert.equal(partition, `custody_events_p${month}`);
      const partitions = await t.db.query(
        `SELECT count(*)::int AS n FROM pg_inherits WHERE inhparent = 'custody_events'::regclass`,
      );
      assert.ok(partitions.rows[0].n >= 25, 'the current month, 24 ahead and the default');
    });
    it('UPDATE and DELETE, on the table or a partition, even as the owner', async () => {
      for (const table of ['custody_events', partition]) {
        assert.match(
          await refused(t.db, `UPDATE ${table} SET payload = '{}' WHERE lot_id = $1`, [lotId]),
          /^23001 custody ledger: UPDATE on custody_events_p\d+ is refused: the ledger is append-only/,
        );
        assert.match(
          await refused(t.db, `DELETE FROM ${table} WHERE lot_id = $1`, [lotId]),
          /^23001 .*DELETE.*append-only/,
        );
      }
    });
    it('TRUNCATE of the table, of a partition and of the default partition', async () => {
      for (const table of ['custody_events', partition, 'custody_events_default']) {
        assert.match(await refused(t.db, `TRUNCATE ${table}`), /^23001 .*TRUNCATE on .* append-only/, table);
      }
      const count = await t.db.query('SELECT count(*)::int AS n FROM custody_events WHERE lot_id = $1', [lotId]);
      assert.equal(count.rows[0].n, 1);
    });
    it('lots are never deleted and their head only advances', async () => {
      assert.match(await refused(t.db, `DELETE FROM lots WHERE id = $1`, [lotId]), /append-only/);
      assert.match(await refused(t.db, `TRUNCATE lots CASCADE`), /append-only/);
      assert.match(await refused(t.db, `UPDATE lots SET head_seq = 0 WHERE id = $1`, [lotId]), /head only advances/);
      assert.match(
        await refused(t.db, `UPDATE lots SET waste_code = '900-249-08', head_seq = head_seq + 1 WHERE id = $1`, [
          lotId,
        ]),
        /identity is fixed/,
      );
    });
    it('privileges: a role granted what the service needs (SELECT, INSERT) may not UPDATE, DELETE or TRUNCATE', async () => {
      const role = `${PREFIX}_app_${randomBytes(4).toString('hex')}`;
      await t.db.query(`CREATE ROLE ${role} NOLOGIN`);
      try {
        await t.db.query(`GRANT SELECT, INSERT ON custody_events TO ${role}`);
        const privileges = await t.db.query(
          `SELECT p, has_table_privilege($1, 'custody_events', p) AS granted
             FROM unnest(ARRAY['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE']) AS p`,
          [role],
        );
        assert.deepEqual(
          privileges.rows.map((r) => `${r.p}:${r.granted}`),
          ['SELECT:true', 'INSERT:true', 'UPDATE:false', 'DELETE:false', 'TRUNCATE:false'],
        );
        const publicGrants = await t.db.query(
          `SELECT count(*)::int AS n FROM pg_class c, aclexplode(coalesce(c.relacl, acldefault('r', c.relowner))) a
            WHERE c.relname LIKE 'custody_events%' AND a.grantee = 0
              AND a.privilege_type IN ('UPDATE', 'DELETE', 'TRUNCATE')`,
        );
        assert.equal(publicGrants.rows[0].n, 0, 'nothing granted to PUBLIC');
        const client = await t.db.connect();
        try {
          for (const sql of [
            `UPDATE custody_events SET payload = '{}'`,
            `DELETE FROM custody_events`,
            `TRUNCATE custody_events`,
          ]) {
            await client.query('BEGIN');
            await client.query(`SET LOCAL ROLE ${role}`);
            assert.match(await refused(client, sql), /^42501 permission denied/, sql);
            await client.query('ROLLBACK');
          }
        } finally {
          client.release();
        }
      } finally {
        await t.db.query(`REVOKE ALL ON custody_events FROM ${role}`);
        await t.db.query(`DROP ROLE ${role}`);
      }
    });
  });

  describe('concurrency', () => {
    it('20 parallel appends to one lot: seqs 1..21, no gap, no duplicate, no fork; the chain verifies', async () => {
      const lot = await createLot(t, gen);
      const occurredAt = now();
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          t
            .http()
            .post(`/v1/lots/${lot.id}/events`)
            .set(gen.auth)
            .send({ type: 'PACKAGED', occurredAt, handlerName: `h${i}`, packagingType: 'DRUM', containerCount: i + 1 }),
        ),
      );
      assert.deepEqual(
        results.map((r) => r.status),
        Array(20).fill(201),
        JSON.stringify(results.map((r) => r.body)),
      );
      assert.deepEqual(
        results.map((r) => r.body.seq as number).sort((a, b) => a - b),
        Array.from({ length: 20 }, (_, i) => i + 2),
      );
      const rows = await t.db.query(
        `SELECT seq, encode(prev_hash, 'hex') AS prev, encode(hash, 'hex') AS hash, global_seq::text
           FROM custody_events WHERE lot_id = $1 ORDER BY seq`,
        [lot.id],
      );
      assert.deepEqual(
        rows.rows.map((r) => r.seq),
        Array.from({ length: 21 }, (_, i) => i + 1),
      );
      for (let i = 1; i < rows.rows.length; i++) assert.equal(rows.rows[i].prev, rows.rows[i - 1].hash);
      assert.equal(new Set(rows.rows.map((r) => r.global_seq)).size, 21);
      const result = await verify(lot.id);
      assert.deepEqual([result.ok, result.eventsChecked, result.headSeq], [true, 21, 21]);
      // Concurrent appends to one lot are group-committed: one statement (one transaction, one
      // outbox row) may carry several requests' events.
      const outbox = await t.db.query(`SELECT count(*)::int AS n FROM outbox_messages WHERE payload->'lotIds' ? $1`, [
        lot.id,
      ]);
      const statements = await t.db.query(
        `SELECT count(DISTINCT xmin::text)::int AS n FROM custody_events WHERE lot_id = $1`,
        [lot.id],
      );
      assert.equal(outbox.rows[0].n, statements.rows[0].n, 'one outbox row per append statement, none for a lost race');
    });
    it('verification while appends run never reports a sound chain as broken (one snapshot)', async () => {
      const lot = await createLot(t, gen);
      const occurredAt = now();
      let appending = true;
      const appends = (async () => {
        for (let i = 0; i < 40; i++) {
          await t
            .http()
            .post(`/v1/lots/${lot.id}/events`)
            .set(gen.auth)
            .send({ type: 'PACKAGED', occurredAt, handlerName: 'h', packagingType: 'DRUM', containerCount: 1 })
            .expect(201);
        }
        appending = false;
      })();
      const verdicts: boolean[] = [];
      while (appending) verdicts.push((await verify(lot.id)).ok);
      await appends;
      assert.ok(verdicts.length > 0);
      assert.deepEqual(
        verdicts.filter((ok) => !ok),
        [],
      );
    });
    it('parallel appends to different lots all succeed at seq 2', async () => {
      const lots = await Promise.all(Array.from({ length: 10 }, () => createLot(t, gen)));
      const results = await Promise.all(
        lots.map((l) => t.http().post(`/v1/lots/${l.id}/events`).set(gen.auth).send(storedBody())),
      );
      assert.deepEqual(
        results.map((r) => [r.status, r.body.seq]),
        Array(10).fill([201, 2]),
      );
    });
    it('appends to different lots do not wait for each other (a held lock on one lot delays only that lot)', async () => {
      const [a, b] = await Promise.all([createLot(t, gen), createLot(t, gen)]);
      const holder = await t.db.connect();
      try {
        await holder.query('BEGIN');
        await holder.query('SELECT 1 FROM lots WHERE id = $1 FOR UPDATE', [a.id]);
        let aDone = false;
        const pendingA = t
          .http()
          .post(`/v1/lots/${a.id}/events`)
          .set(gen.auth)
          .send(storedBody())
          .then((r) => {
            aDone = true;
            return r;
          });
        const started = performance.now();
        const resB = await t.http().post(`/v1/lots/${b.id}/events`).set(gen.auth).send(storedBody());
        assert.equal(resB.status, 201);
        assert.ok(performance.now() - started < 2000, 'B did not wait for A');
        await new Promise((r) => setTimeout(r, 300));
        assert.equal(aDone, false, 'A waits while its lot is locked');
        await holder.query('COMMIT');
        const resA = await pendingA;
        assert.deepEqual([resA.status, resA.body.seq], [201, 2]);
      } finally {
        holder.release();
      }
    });
    it('lockLots locks in id order: two transactions over overlapping sets finish without deadlock', async () => {
      const lots = await Promise.all(Array.from({ length: 4 }, () => createLot(t, gen)));
      const writer = t.app.get(LedgerWriter);
      const actor = { organisationId: gen.organisationId, memberId: gen.memberId, actor: `member:${gen.memberId}` };
      const run = (ids: string[]) =>
        writer.transaction(async (m) => {
          const heads = await writer.lockLots(m, ids);
          assert.deepEqual([...heads.keys()], [...ids].sort());
          for (const id of ids) {
            await writer.appendEvents(
              m,
              id,
              [{ type: EventType.PACKAGED, occurredAt: new Date(), payload: { n: 1 } }],
              {
                actor,
              },
            );
          }
        });
      const ids = lots.map((l) => l.id);
      await Promise.all([run(ids), run([...ids].reverse()), run([ids[2], ids[0]]), run([ids[3], ids[1]])]);
      const seqs = await t.db.query('SELECT head_seq FROM lots WHERE id = ANY($1) ORDER BY id', [ids]);
      assert.deepEqual(
        seqs.rows.map((r) => r.head_seq),
        [4, 4, 4, 4],
      );
    });
  });

  describe('LedgerWriter (the interface manifests will use)', () => {
    it('appendEvents: custody moves, the new custodian becomes a party, the expected custodian is checked', async () => {
      const carrier = await createActor(t, { roles: ['TRANSPORTER'], region: '370102' });
      const writer = t.app.get(LedgerWriter);
      const lot = await createLot(t, gen);
      const carrierActor = {
        organisationId: carrier.organisationId,
        memberId: carrier.memberId,
        actor: `member:${carrier.memberId}`,
      };
      const wrong = await writer
        .transaction((m) =>
          writer.appendEvents(m, lot.id, [{ type: EventType.HANDED_OVER, occurredAt: new Date(), payload: {} }], {
            actor: carrierActor,
          }),
        )
        .catch((e: { code?: string }) => e.code);
      assert.equal(wrong, 'not-custodian');
      const events = await writer.transaction((m) =>
        writer.appendEvents(
          m,
          lot.id,
          [
            {
              type: EventType.HANDED_OVER,
              occurredAt: new Date(),
              payload: { manifest: 'M-1' },
              effects: { status: 'IN_TRANSIT' as never },
            },
            {
              type: EventType.RECEIVED,
              occurredAt: new Date(),
              payload: { manifest: 'M-1' },
              effects: { custodianOrganisationId: carrier.organisationId },
            },
          ],
          {
            actor: carrierActor,
            expectedCustodianId: gen.organisationId,
            parties: [{ organisationId: carrier.organisationId, role: 'MANIFEST' as never }],
          },
        ),
      );
      assert.deepEqual(
        events.map((e) => [e.seq, e.type]),
        [
          [2, 'HANDED_OVER'],
          [3, 'RECEIVED'],
        ],
      );
      assert.equal(events[1].prevHash, events[0].hash);
      const row = await t.db.query('SELECT custodian_organisation_id, status, head_seq FROM lots WHERE id = $1', [
        lot.id,
      ]);
      assert.deepEqual(row.rows[0], {
        custodian_organisation_id: carrier.organisationId,
        status: 'IN_TRANSIT',
        head_seq: 3,
      });
      const parties = await t.db.query(
        'SELECT organisation_id, role FROM lot_parties WHERE lot_id = $1 ORDER BY role',
        [lot.id],
      );
      assert.deepEqual(parties.rows, [
        { organisation_id: gen.organisationId, role: 'GENERATOR' },
        { organisation_id: carrier.organisationId, role: 'CUSTODIAN' },
      ]);
      await t.http().get(`/v1/lots/${lot.id}`).set(carrier.auth).expect(200);
      // In transit, the lots API refuses ordinary steps to anyone.
      const res = await t.http().post(`/v1/lots/${lot.id}/events`).set(carrier.auth).send(storedBody()).expect(422);
      assert.equal(res.body.code, 'lot-in-transit');
      assert.equal((await verify(lot.id)).ok, true);
    });
    it('appendEvents: a batch is one chain segment; later effects win, undefined ones change nothing', async () => {
      const writer = t.app.get(LedgerWriter);
      const lot = await createLot(t, gen);
      const actor = { organisationId: gen.organisationId, memberId: gen.memberId, actor: `member:${gen.memberId}` };
      const events = await writer.transaction((m) =>
        writer.appendEvents(
          m,
          lot.id,
          [
            { type: EventType.PACKAGED, occurredAt: new Date(), payload: { a: 1 }, effects: { containerCount: 3 } },
            {
              type: EventType.PACKAGED,
              occurredAt: new Date(),
              payload: { a: 2 },
              effects: { containerCount: undefined, packagingType: 'BAG' },
            },
          ],
          { actor },
        ),
      );
      assert.deepEqual(
        events.map((e) => e.seq),
        [2, 3],
      );
      const row = await t.db.query('SELECT container_count, packaging_type, head_seq FROM lots WHERE id = $1', [
        lot.id,
      ]);
      assert.deepEqual(row.rows[0], { container_count: 3, packaging_type: 'BAG', head_seq: 3 });
      const outbox = await t.db.query(`SELECT count(*)::int AS n FROM outbox_messages WHERE payload->'lotIds' ? $1`, [
        lot.id,
      ]);
      assert.equal(outbox.rows[0].n, 2, 'one for the GENERATED lot, one for the batch');
      await assert.rejects(
        writer.transaction((m) =>
          writer.appendEvents(m, lot.id, [{ type: EventType.PACKAGED, occurredAt: new Date(), payload: { x: 0.5 } }], {
            actor,
          }),
        ),
        /only safe integers/,
      );
      await assert.rejects(
        writer.transaction((m) =>
          writer.appendEvents(m, lot.id, [{ type: EventType.GENERATED, occurredAt: new Date(), payload: {} }], {
            actor,
          }),
        ),
        /can only start a chain/,
      );
      assert.equal((await verify(lot.id)).ok, true);
    });
    it('appendEvents rolls back with its transaction: no event, no head move, no outbox row', async () => {
      const writer = t.app.get(LedgerWriter);
      const lot = await createLot(t, gen);
      const actor = { organisationId: gen.organisationId, memberId: gen.memberId, actor: `member:${gen.memberId}` };
      await assert.rejects(
        writer.transaction(async (m) => {
          await writer.appendEvents(m, lot.id, [{ type: EventType.PACKAGED, occurredAt: new Date(), payload: {} }], {
            actor,
          });
          throw new Error('the manifest step failed');
        }),
        /manifest step failed/,
      );
      const rows = await t.db.query(
        `SELECT (SELECT head_seq FROM lots WHERE id = $1) AS head,
                (SELECT count(*)::int FROM custody_events WHERE lot_id = $1) AS events,
                (SELECT count(*)::int FROM outbox_messages WHERE payload->'lotIds' ? $1::text) AS outbox`,
        [lot.id],
      );
      assert.deepEqual(rows.rows[0], { head: 1, events: 1, outbox: 1 });
    });
  });
});
