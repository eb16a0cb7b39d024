import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { EventType } from '../../src/ledger/domain/ledger-types';
import { LedgerWriter } from '../../src/ledger/ledger-writer';
import { Client } from 'pg';
import { CheckpointHandler } from '../../src/transparency/checkpoint.handler';
import { LedgerAuditService } from '../../src/transparency/ledger-audit.service';
import { auditLedger, type AuditReport } from '../../src/transparency/tamper-audit';
import {
  consistencyOk,
  eventHashOf,
  inclusionOk,
  leafHash,
  merkleRoot,
  type Checkpoint,
} from '../support/independent-log-verifier';
import { createLot, now, retrievedBody, storedBody } from '../support/lots';
import { createActor, startTestApp, type Actor, type TestApp } from '../support/test-app';

const PROBLEM = /application\/problem\+json/;
const VERIFY_PROOF = join(resolve(__dirname, '..', '..'), 'scripts', 'verify-proof.js');

interface ApiEvent {
  lotId: string;
  seq: number;
  globalSeq: string;
  format: number;
  type: string;
  occurredAt: string;
  recordedAt: string;
  actor: unknown;
  payload: Record<string, unknown>;
  prevHash: string;
  hash: string;
}

interface InclusionProof {
  leaf: { v: 1; logIndex: number; lotId: string; seq: number; eventHash: string };
  leafHash: string;
  leafIndex: number;
  treeSize: number;
  auditPath: string[];
  checkpoint: Checkpoint;
}

/** `node dist/scripts/verify-proof.js <kind> - --key <key>` with the document on stdin. */
function verifyProofCli(kind: 'checkpoint' | 'inclusion' | 'consistency', doc: unknown, key: string) {
  const r = spawnSync(process.execPath, [VERIFY_PROOF, kind, '-', '--key', key], {
    input: JSON.stringify(doc),
    encoding: 'utf8',
    timeout: 20_000,
  });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

describe('tamper-evident global log (database, job, endpoints)', () => {
  let t: TestApp;
  let gen: Actor; // GENERATOR in 371502
  let gen2: Actor; // GENERATOR in 371503
  let stranger: Actor; // GENERATOR in 110105
  let regulatorIn: Actor; // jurisdiction 3715
  let regulatorOut: Actor; // jurisdiction 11
  const lots: string[] = [];
  let publicKey: string;

  const checkpoint = () => t.app.get(CheckpointHandler).handle({});
  const latest = async (): Promise<Checkpoint> =>
    (await t.http().get('/v1/ledger/checkpoints/latest').expect(200)).body as Checkpoint;
  const eventsOf = async (actor: Actor, lotId: string): Promise<ApiEvent[]> => {
    const res = await t.http().get(`/v1/lots/${lotId}/events?limit=200`).set(actor.auth).expect(200);
    return res.body.items as ApiEvent[];
  };
  const proofOf = async (actor: Actor, lotId: string, seq: number, query = ''): Promise<InclusionProof> => {
    const res = await t.http().get(`/v1/ledger/proofs/${lotId}/${seq}${query}`).set(actor.auth);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body as InclusionProof;
  };
  const record = async (actor: Actor, lotId: string, body: Record<string, unknown>) => {
    const res = await t.http().post(`/v1/lots/${lotId}/events`).set(actor.auth).send(body);
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body as ApiEvent;
  };
  const count = async (sql: string, params: unknown[] = []): Promise<number> =>
    Number((await t.db.query(sql, params)).rows[0].n);

  before(async () => {
    t = await startTestApp();
    gen = await createActor(t, { roles: ['GENERATOR'], region: '371502' });
    gen2 = await createActor(t, { roles: ['GENERATOR'], region: '371503' });
    stranger = await createActor(t, { roles: ['GENERATOR'], region: '110105' });
    regulatorIn = await createActor(t, { roles: ['REGULATOR'], region: '371500' });
    regulatorOut = await createActor(t, { roles: ['REGULATOR'], region: '110000' });
  });
  after(() => t.close());

  describe('before the first checkpoint', () => {
    it('latest is 404, the list is empty, nothing is signed when nothing is pending', async () => {
      const res = await t.http().get('/v1/ledger/checkpoints/latest').expect(404);
      assert.match(res.headers['content-type'], PROBLEM);
      const list = await t.http().get('/v1/ledger/checkpoints').expect(200);
      assert.deepEqual(list.body, { items: [], nextCursor: null });
      assert.deepEqual(await checkpoint(), { treeSizes: [], leaves: 0 });
      assert.equal(await count('SELECT count(*) AS n FROM ledger_checkpoints'), 0);
    });

    it('an event not yet checkpointed: 404 saying there is no proof until the next checkpoint', async () => {
      const lot = await createLot(t, gen);
      lots.push(lot.id);
      assert.equal(await count('SELECT count(*) AS n FROM ledger_log_pending WHERE lot_id = $1', [lot.id]), 1);
      const res = await t.http().get(`/v1/ledger/proofs/${lot.id}/1`).set(gen.auth).expect(404);
      assert.match(res.headers['content-type'], PROBLEM);
      assert.match(res.body.detail, /not in the global log yet: there is no proof until the next checkpoint/);
      assert.equal(res.body.reason, 'not-yet-logged');
    });
  });

  describe('the committed checkpoint chain', () => {
    const events: ApiEvent[] = [];

    before(async () => {
      // Several lots, several events each, through the lots API; a split adds three genesis events.
      lots.push((await createLot(t, gen)).id, (await createLot(t, gen2)).id);
      await record(gen, lots[0], storedBody());
      await record(gen, lots[0], retrievedBody());
      await record(gen, lots[1], storedBody());
      await record(gen2, lots[2], storedBody());
      await record(gen2, lots[2], retrievedBody());
      await record(gen2, lots[2], storedBody({ location: { code: 'ZC-02', type: 'WAREHOUSE' } }));
      const split = await t
        .http()
        .post(`/v1/lots/${lots[1]}/split`)
        .set(gen.auth)
        .send({
          occurredAt: now(),
          handlerName: '张三',
          parts: [{ quantity: { value: '10', unit: 'kg' } }, { quantity: { value: '2.345', unit: 'kg' } }],
        });
      assert.equal(split.status, 201, JSON.stringify(split.body));
      lots.push(...(split.body.children as Array<{ id: string }>).map((c) => c.id));
      const run = await checkpoint();
      assert.equal(run.treeSizes.length, 1);
      const total = await count('SELECT count(*) AS n FROM custody_events');
      assert.equal(run.leaves, total);
      assert.equal(run.treeSizes[0], total);
      const keys = await t.http().get('/v1/ledger/public-keys').expect(200);
      assert.equal(keys.body.items.length, 1);
      publicKey = keys.body.items[0].publicKey;
      for (const lotId of lots) events.push(...(await eventsOf(lotId === lots[2] ? gen2 : gen, lotId)));
      assert.equal(events.length, total);
    });

    it('public endpoints answer without credentials: checkpoints, latest, by size, public keys', async () => {
      const cp = await latest();
      assert.equal(cp.treeSize, await count('SELECT count(*) AS n FROM custody_events'));
      const bySize = await t.http().get(`/v1/ledger/checkpoints/${cp.treeSize}`).expect(200);
      assert.deepEqual(bySize.body, cp);
      const list = await t.http().get('/v1/ledger/checkpoints').expect(200);
      assert.deepEqual(list.body.items, [cp]);
      const keys = await t.http().get('/v1/ledger/public-keys').expect(200);
      assert.equal(keys.body.items[0].keyId, cp.keyId);
      assert.equal(keys.body.items[0].algorithm, 'Ed25519');
      assert.equal(keys.body.items[0].ephemeral, true, 'tests run without LEDGER_SIGNING_KEY');
      assert.match(keys.body.items[0].publicKey, /^[A-Za-z0-9_-]{43}$/);
    });

    it('the signed root is the RFC 6962 root of every leaf, recomputed independently from the events', async () => {
      const cp = await latest();
      const rows = (
        await t.db.query(`SELECT log_index::int AS i, lot_id, seq FROM ledger_log_entries ORDER BY log_index`)
      ).rows as Array<{ i: number; lot_id: string; seq: number }>;
      assert.deepEqual(
        rows.map((r) => r.i),
        rows.map((_, i) => i),
        'log indexes are contiguous from 0',
      );
      const byKey = new Map(events.map((e) => [`${e.lotId}:${e.seq}`, e]));
      const leaves = rows.map((r) => {
        const e = byKey.get(`${r.lot_id}:${r.seq}`)!;
        return Buffer.from(leafHash(r.i, e.lotId, e.seq, eventHashOf(e)), 'hex');
      });
      assert.equal(merkleRoot(leaves).toString('hex'), cp.rootHash);
      const verdict = verifyProofCli('checkpoint', cp, publicKey);
      assert.equal(verdict.status, 0, verdict.out);
    });

    it('every event has an inclusion proof that an independent verifier accepts', async () => {
      const cp = await latest();
      for (const e of events) {
        const actor = e.lotId === lots[2] ? gen2 : gen;
        const proof = await proofOf(actor, e.lotId, e.seq);
        assert.deepEqual(Object.keys(proof).sort(), [
          'auditPath',
          'checkpoint',
          'leaf',
          'leafHash',
          'leafIndex',
          'treeSize',
        ]);
        assert.deepEqual(proof.checkpoint, cp);
        assert.equal(proof.leaf.eventHash, eventHashOf(e), 'the leaf carries the recomputed event hash');
        const mine = leafHash(proof.leafIndex, e.lotId, e.seq, eventHashOf(e));
        assert.equal(proof.leafHash, mine);
        assert.ok(inclusionOk(proof, mine, publicKey), `event ${e.lotId}/${e.seq}`);
      }
    });

    it('node dist/scripts/verify-proof.js accepts a served proof and rejects an altered one', async () => {
      const e = events[3];
      const proof = await proofOf(gen, e.lotId, e.seq);
      const ok = verifyProofCli('inclusion', proof, publicKey);
      assert.equal(ok.status, 0, ok.out);
      assert.match(ok.out, /VERIFIED/);
      const altered = { ...proof, leaf: { ...proof.leaf, seq: proof.leaf.seq + 1 }, leafHash: undefined };
      const bad = verifyProofCli('inclusion', altered, publicKey);
      assert.equal(bad.status, 1, bad.out);
      assert.match(bad.out, /NOT VERIFIED/);
    });

    it('a regulator over a party gets the proof; a checkpoint is never re-signed or changed', async () => {
      const before = await latest();
      const proof = await proofOf(regulatorIn, lots[0], 1);
      assert.ok(inclusionOk(proof, proof.leafHash, publicKey));
      assert.deepEqual(await checkpoint(), { treeSizes: [], leaves: 0 }, 'nothing new: nothing signed');
      assert.deepEqual(await latest(), before);
      const row = await t.db.query(`SELECT count(*)::int AS n FROM ledger_checkpoints`);
      assert.equal(row.rows[0].n, 1);
    });
  });

  describe('consistency between checkpoints', () => {
    it('each new batch gets a checkpoint; every pair of checkpoints is consistent (independent and CLI)', async () => {
      for (let round = 0; round < 3; round++) {
        await record(gen, lots[0], round % 2 === 0 ? storedBody() : retrievedBody());
        if (round !== 1) lots.push((await createLot(t, gen2)).id);
        const run = await checkpoint();
        assert.equal(run.treeSizes.length, 1);
      }
      const list = await t.http().get('/v1/ledger/checkpoints?limit=2').expect(200);
      assert.equal(list.body.items.length, 2);
      const rest = await t.http().get(`/v1/ledger/checkpoints?cursor=${list.body.nextCursor}`).expect(200);
      const all = [...list.body.items, ...rest.body.items] as Checkpoint[];
      assert.equal(all.length, 4);
      assert.deepEqual(
        all.map((c) => c.treeSize),
        [...all.map((c) => c.treeSize)].sort((a, b) => b - a),
        'newest first',
      );
      for (const older of all) {
        for (const newer of all) {
          if (older.treeSize > newer.treeSize) continue;
          const res = await t
            .http()
            .get(`/v1/ledger/consistency?from=${older.treeSize}&to=${newer.treeSize}`)
            .expect(200);
          assert.deepEqual(res.body.from, older);
          assert.deepEqual(res.body.to, newer);
          assert.ok(consistencyOk(res.body, publicKey), `${older.treeSize} → ${newer.treeSize}`);
        }
      }
      const oldest = all[all.length - 1];
      const res = await t.http().get(`/v1/ledger/consistency?from=${oldest.treeSize}`).expect(200);
      assert.deepEqual(res.body.to, all[0], 'to defaults to the latest');
      const cli = verifyProofCli('consistency', res.body, publicKey);
      assert.equal(cli.status, 0, cli.out);
      const path = res.body.consistencyPath as string[];
      assert.ok(path.length > 0);
      const flipped = `${path[0][0] === '0' ? '1' : '0'}${path[0].slice(1)}`;
      const forged = { ...res.body, consistencyPath: [flipped, ...path.slice(1)] };
      assert.ok(!consistencyOk(forged, publicKey));
      assert.equal(verifyProofCli('consistency', forged, publicKey).status, 1);
    });

    it('a proof against an older checkpoint; 404 for an event logged after it', async () => {
      const all = (await t.http().get('/v1/ledger/checkpoints').expect(200)).body.items as Checkpoint[];
      const oldest = all[all.length - 1];
      const proof = await proofOf(gen, lots[0], 1, `?treeSize=${oldest.treeSize}`);
      assert.equal(proof.treeSize, oldest.treeSize);
      assert.ok(inclusionOk(proof, proof.leafHash, publicKey));
      const last = lots[lots.length - 1];
      const res = await t
        .http()
        .get(`/v1/ledger/proofs/${last}/1?treeSize=${oldest.treeSize}`)
        .set(gen2.auth)
        .expect(404);
      assert.equal(res.body.reason, 'after-checkpoint');
      await t
        .http()
        .get(`/v1/ledger/proofs/${last}/1?treeSize=${oldest.treeSize + 1}`)
        .set(gen2.auth)
        .expect(404);
    });

    it('400 for bad sizes, 404 for sizes never checkpointed', async () => {
      const cp = await latest();
      await t.http().get('/v1/ledger/consistency').expect(400);
      await t.http().get('/v1/ledger/consistency?from=0').expect(400);
      await t.http().get('/v1/ledger/consistency?from=abc').expect(400);
      await t.http().get(`/v1/ledger/consistency?from=${cp.treeSize}&to=1`).expect(400);
      await t
        .http()
        .get(`/v1/ledger/consistency?from=${cp.treeSize + 1}`)
        .expect(404);
      const same = await t.http().get(`/v1/ledger/consistency?from=${cp.treeSize}&to=${cp.treeSize}`).expect(200);
      assert.deepEqual(same.body.consistencyPath, []);
      assert.ok(consistencyOk(same.body, publicKey));
      await t.http().get('/v1/ledger/checkpoints/0').expect(400);
      await t.http().get('/v1/ledger/checkpoints/1.5').expect(400);
      await t.http().get('/v1/ledger/checkpoints/abc').expect(400);
      await t.http().get('/v1/ledger/checkpoints/99999999999999999999').expect(400);
      await t
        .http()
        .get(`/v1/ledger/checkpoints/${cp.treeSize + 1000}`)
        .expect(404);
      await t.http().get('/v1/ledger/checkpoints?cursor=bogus').expect(400);
    });
  });

  describe('inclusion proof endpoint: auth matrix', () => {
    it('401 without a key; 403 for the platform administrator', async () => {
      const res = await t.http().get(`/v1/ledger/proofs/${lots[0]}/1`).expect(401);
      assert.match(res.headers['content-type'], PROBLEM);
      await t.http().get(`/v1/ledger/proofs/${lots[0]}/1`).set(t.admin).expect(403);
    });
    it('404 for another organisation, a regulator elsewhere, an unknown lot or seq', async () => {
      await t.http().get(`/v1/ledger/proofs/${lots[0]}/1`).set(stranger.auth).expect(404);
      await t.http().get(`/v1/ledger/proofs/${lots[0]}/1`).set(regulatorOut.auth).expect(404);
      await t.http().get(`/v1/ledger/proofs/${lots[0]}/1`).set(gen2.auth).expect(404);
      await t.http().get('/v1/ledger/proofs/00000000-0000-4000-8000-000000000000/1').set(gen.auth).expect(404);
      await t.http().get(`/v1/ledger/proofs/${lots[0]}/999`).set(gen.auth).expect(404);
    });
    it('400 for a malformed lot id, seq or treeSize', async () => {
      await t.http().get('/v1/ledger/proofs/not-a-uuid/1').set(gen.auth).expect(400);
      for (const seq of ['0', '-1', 'x', '1.5', '99999999999']) {
        const res = await t.http().get(`/v1/ledger/proofs/${lots[0]}/${seq}`).set(gen.auth).expect(400);
        assert.match(res.headers['content-type'], PROBLEM);
      }
      await t.http().get(`/v1/ledger/proofs/${lots[0]}/1?treeSize=0`).set(gen.auth).expect(400);
      await t.http().get(`/v1/ledger/proofs/${lots[0]}/1?treeSize=x`).set(gen.auth).expect(400);
      await t.http().get(`/v1/ledger/proofs/${lots[0]}/1?other=1`).set(gen.auth).expect(400);
    });
  });

  describe('exactly once', () => {
    it('events committed out of global_seq order each enter the log exactly once', async () => {
      const writer = t.app.get(LedgerWriter);
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      let slowSeq: string | null = null;
      // The slow transaction takes the lower global_seq and commits last.
      const slow = writer.transaction(async (m) => {
        const [event] = await writer.appendEvents(
          m,
          lots[0],
          [
            {
              type: EventType.STORED,
              occurredAt: new Date(),
              payload: { handlerName: '慢', location: { code: 'ZC-09', type: 'WAREHOUSE' } },
            },
          ],
          { actor: { organisationId: gen.organisationId, memberId: gen.memberId, actor: `member:${gen.memberId}` } },
        );
        slowSeq = event.globalSeq;
        await gate;
        return event;
      });
      const logged = async (lotId: string, seq: number) =>
        count('SELECT count(*) AS n FROM ledger_log_entries WHERE lot_id = $1 AND seq = $2', [lotId, seq]);
      let fast: ApiEvent;
      try {
        while (slowSeq === null) await new Promise((r) => setTimeout(r, 5));
        fast = await record(gen2, lots[2], retrievedBody());
        assert.ok(BigInt(fast.globalSeq) > BigInt(slowSeq), 'the fast event took the higher number');
        await checkpoint();
        assert.equal(await logged(fast.lotId, fast.seq), 1);
      } finally {
        release();
      }
      const slowEvent = await slow;
      assert.equal(await logged(slowEvent.lotId, slowEvent.seq), 0, 'not in the log before it committed');
      await checkpoint();
      await checkpoint();
      assert.equal(await logged(slowEvent.lotId, slowEvent.seq), 1);
      const order = await t.db.query(
        `SELECT lot_id, seq, log_index::int AS i FROM ledger_log_entries WHERE global_seq = ANY($1::int8[]) ORDER BY log_index`,
        [[slowEvent.globalSeq, fast.globalSeq]],
      );
      assert.deepEqual(
        order.rows.map((r) => r.seq),
        [fast.seq, slowEvent.seq],
        'the late commit got the later index',
      );
      const proof = await proofOf(gen, slowEvent.lotId, slowEvent.seq);
      assert.ok(
        inclusionOk(proof, leafHash(proof.leafIndex, slowEvent.lotId, slowEvent.seq, slowEvent.hash), publicKey),
      );
    });

    it('concurrent checkpoint runs log each event once, with contiguous indexes', async () => {
      for (let i = 0; i < 6; i++) await record(gen2, lots[2], i % 2 === 0 ? storedBody() : retrievedBody());
      lots.push((await createLot(t, gen)).id);
      const runs = await Promise.all([checkpoint(), checkpoint(), checkpoint()]);
      const signed = runs.flatMap((r) => r.treeSizes);
      assert.ok(signed.length >= 1);
      assert.equal(await count('SELECT count(*) AS n FROM ledger_log_pending'), 0);
      const events = await count('SELECT count(*) AS n FROM custody_events');
      const entries = await t.db.query(
        `SELECT count(*)::int AS n, count(DISTINCT (lot_id, seq))::int AS d, max(log_index)::int AS m FROM ledger_log_entries`,
      );
      assert.deepEqual(entries.rows[0], { n: events, d: events, m: events - 1 });
      const missing = await count(
        `SELECT count(*) AS n FROM custody_events e
          WHERE NOT EXISTS (SELECT 1 FROM ledger_log_entries l WHERE l.lot_id = e.lot_id AND l.seq = e.seq
                                                                AND l.event_hash = e.hash AND l.global_seq = e.global_seq)`,
      );
      assert.equal(missing, 0);
      assert.equal((await latest()).treeSize, events);
      assert.equal(await count(`SELECT count(*) AS n FROM ledger_merkle_nodes WHERE level = 0`), events);
    });
  });

  describe('the database refuses changes', () => {
    const refused = async (sql: string) => {
      try {
        await t.db.query(sql);
      } catch (error) {
        return `${(error as { code: string }).code} ${(error as Error).message}`;
      }
      assert.fail(`not refused: ${sql}`);
    };

    it('UPDATE, DELETE and TRUNCATE on the log tables, the checkpoints and the keys', async () => {
      for (const [table, set] of [
        ['ledger_log_entries', 'seq = seq'],
        ['ledger_merkle_nodes', 'level = level'],
        ['ledger_checkpoints', `issued_at = issued_at + interval '1 second'`],
        ['ledger_signing_keys', 'ephemeral = false'],
        ['regulator_reads', 'actor = actor'],
      ]) {
        assert.match(await refused(`UPDATE ${table} SET ${set}`), /^23001 .*append-only/);
        assert.match(await refused(`DELETE FROM ${table}`), /^23001 /);
        assert.match(await refused(`TRUNCATE ${table} CASCADE`), /^23001 /);
      }
      await t.db.query(
        `INSERT INTO regulator_reads (regulator_organisation_id, member_id, actor, resource_type, resource_ids, route, path)
         VALUES ($1, $2, 'x', 'lot', '{}', 'GET /x', '/x')`,
        [regulatorIn.organisationId, regulatorIn.memberId],
      );
      assert.match(await refused(`UPDATE regulator_reads SET actor = 'y'`), /^23001 /);
      assert.match(await refused(`DELETE FROM regulator_reads`), /^23001 /);
    });

    it('the pending queue accepts no UPDATE or TRUNCATE; custody_events still refuse UPDATE and DELETE', async () => {
      await record(gen, lots[0], retrievedBody());
      assert.match(await refused(`UPDATE ledger_log_pending SET seq = seq`), /^23001 /);
      assert.match(await refused(`TRUNCATE ledger_log_pending`), /^23001 /);
      assert.match(await refused(`UPDATE custody_events SET seq = seq`), /^23001 .*append-only/);
      assert.match(await refused(`DELETE FROM custody_events`), /^23001 /);
      await checkpoint();
    });

    it('the queueing trigger is on every partition, including one created later (PostgreSQL clones it)', async () => {
      await t.db.query(`SELECT ledger_create_event_partition('2031-07-01')`);
      const missing = await t.db.query(
        `SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
          WHERE i.inhparent = 'custody_events'::regclass
            AND NOT EXISTS (SELECT 1 FROM pg_trigger g WHERE g.tgrelid = c.oid AND g.tgname = 'tg_custody_events_log_enqueue')`,
      );
      assert.deepEqual(missing.rows, []);
      const partitions = await count(
        `SELECT count(*) AS n FROM pg_inherits WHERE inhparent = 'custody_events'::regclass`,
      );
      assert.ok(partitions >= 26);
      assert.equal(await count(`SELECT count(*) AS n FROM pg_class WHERE relname = 'custody_events_p203107'`), 1);
    });

    it('a signed checkpoint never changes: same bytes after later runs', async () => {
      const first = (await t.http().get('/v1/ledger/checkpoints?limit=200').expect(200)).body.items as Checkpoint[];
      await record(gen, lots[0], storedBody());
      await checkpoint();
      const again = (await t.http().get('/v1/ledger/checkpoints?limit=200').expect(200)).body.items as Checkpoint[];
      assert.equal(again.length, first.length + 1);
      assert.deepEqual(again.slice(1), first);
      for (const c of again) assert.equal(verifyProofCli('checkpoint', c, publicKey).status === 0, true);
    });
  });

  describe('tampering', () => {
    const tamper = async (statements: Array<[string, unknown[]]>) => {
      const client = await t.db.connect();
      try {
        await client.query('BEGIN');
        await client.query('SET LOCAL session_replication_role = replica');
        for (const [sql, params] of statements) {
          const r = await client.query(sql, params);
          assert.equal(r.rowCount, 1, sql);
        }
        await client.query('COMMIT');
      } finally {
        client.release();
      }
    };

    it('an edited event fails its chain verification and its inclusion proof', async () => {
      const lotId = lots[2];
      const events = await eventsOf(gen2, lotId);
      const victim = events[1];
      const cp = await latest();
      assert.ok((await t.app.get(LedgerAuditService).auditLot(lotId))!.ok);
      await tamper([
        [
          `UPDATE custody_events SET payload = jsonb_set(payload, '{handlerName}', '"篡改"') WHERE lot_id = $1 AND seq = $2`,
          [lotId, victim.seq],
        ],
      ]);
      const verification = await t.http().get(`/v1/lots/${lotId}/verification`).set(gen2.auth).expect(200);
      assert.equal(verification.body.ok, false);
      assert.equal(verification.body.fault, 'hash-mismatch');
      assert.equal(verification.body.firstBadSeq, victim.seq);

      // What an auditor does: recompute the event's hash from what is served, then check the proof.
      const served = (await eventsOf(gen2, lotId)).find((e) => e.seq === victim.seq)!;
      const proof = await proofOf(gen2, lotId, victim.seq);
      assert.equal(proof.checkpoint.treeSize, cp.treeSize);
      const mine = leafHash(proof.leafIndex, lotId, victim.seq, eventHashOf(served));
      assert.equal(inclusionOk(proof, mine, publicKey), false);
      const cli = verifyProofCli(
        'inclusion',
        { ...proof, leaf: { ...proof.leaf, eventHash: eventHashOf(served) }, leafHash: undefined },
        publicKey,
      );
      assert.equal(cli.status, 1, cli.out);

      const audit = (await t.app.get(LedgerAuditService).auditLot(lotId))!;
      assert.equal(audit.ok, false);
      assert.equal(audit.chain.ok, false);
      assert.deepEqual(
        audit.logFaults.map((f) => [f.seq, f.fault]),
        [
          [victim.seq, 'differs-from-log'],
          [victim.seq, 'inclusion-fails'],
        ],
      );
      assert.equal(audit.proven, audit.events - 1);
    });

    it('a rewritten chain with recomputed hashes passes the chain check but not the log', async () => {
      const lotId = lots[0];
      const events = await eventsOf(gen, lotId);
      const last = events[events.length - 1];
      const forged = { ...last, payload: { ...last.payload, handlerName: '伪造' } };
      const forgedHash = eventHashOf(forged);
      await tamper([
        [
          `UPDATE custody_events SET payload = $3::jsonb, hash = decode($4, 'hex') WHERE lot_id = $1 AND seq = $2`,
          [lotId, last.seq, JSON.stringify(forged.payload), forgedHash],
        ],
        [`UPDATE lots SET head_hash = decode($2, 'hex') WHERE id = $1`, [lotId, forgedHash]],
      ]);
      const verification = await t.http().get(`/v1/lots/${lotId}/verification`).set(gen.auth).expect(200);
      assert.equal(verification.body.ok, true, 'a consistent forgery: the chain alone cannot tell');

      const proof = await proofOf(gen, lotId, last.seq);
      assert.equal(proof.leaf.eventHash, forgedHash, 'the proof is of the event as stored now');
      assert.equal(inclusionOk(proof, leafHash(proof.leafIndex, lotId, last.seq, forgedHash), publicKey), false);
      const cli = verifyProofCli('inclusion', proof, publicKey);
      assert.equal(cli.status, 1, cli.out);
      assert.match(cli.out, /audit path does not lead/);

      const audit = (await t.app.get(LedgerAuditService).auditLot(lotId))!;
      assert.equal(audit.chain.ok, true);
      assert.equal(audit.ok, false);
      assert.deepEqual(
        audit.logFaults.map((f) => [f.seq, f.fault]),
        [
          [last.seq, 'differs-from-log'],
          [last.seq, 'inclusion-fails'],
        ],
      );
    });

    it('an event slipped in with the triggers off never reaches the log, and the audit says so', async () => {
      const lotId = lots[lots.length - 1];
      const [genesis] = await eventsOf(gen, lotId);
      await tamper([
        [
          `INSERT INTO custody_events (lot_id, seq, chain_started_at, format, type, occurred_at, recorded_at,
                                       actor_organisation_id, payload, prev_hash, hash)
           SELECT lot_id, 2, chain_started_at, 1, 'STORED', occurred_at, recorded_at, actor_organisation_id,
                  '{"handlerName":"x","location":{"code":"ZC-01","type":"WAREHOUSE"}}', hash, hash
             FROM custody_events WHERE lot_id = $1 AND seq = 1`,
          [lotId],
        ],
      ]);
      assert.equal(genesis.seq, 1);
      await checkpoint();
      const audit = (await t.app.get(LedgerAuditService).auditLot(lotId))!;
      assert.equal(audit.ok, false);
      assert.deepEqual(
        audit.logFaults.map((f) => [f.seq, f.fault]),
        [[2, 'not-in-log']],
      );
    });

    const wholeAudit = async (): Promise<AuditReport> => {
      const client = new Client({ connectionString: t.config.DATABASE_URL });
      await client.connect();
      try {
        return await auditLedger(client);
      } finally {
        await client.end();
      }
    };
    const faults = (r: AuditReport) =>
      r.findings.map((f) => `${f.lotId === null ? '-' : lots.indexOf(f.lotId)}:${f.seq ?? '-'}:${f.fault}`).sort();

    it('the audit of the whole ledger finds each of these, and rebuilds the signed root', async () => {
      const report = await wholeAudit();
      const tail = lots.length - 1;
      assert.deepEqual(
        faults(report),
        [
          `0:${report.findings.find((f) => f.lotId === lots[0])!.seq}:differs-from-log`,
          '2:2:hash-mismatch',
          `${tail}:2:hash-mismatch`,
          `${tail}:2:not-in-log`,
        ].sort(),
      );
      assert.equal(report.log.rootVerified, true, 'the log itself is intact');
      assert.equal(report.log.entries, report.log.checkpoint!.treeSize);
      assert.deepEqual(
        report.passes.map((p) => p.name),
        ['chains', 'empty-chains', 'log'],
      );
    });

    it('an edited log entry: the rebuilt leaf and root no longer match the signed checkpoint', async () => {
      const before = await wholeAudit();
      const lotId = lots[1];
      const [first] = await eventsOf(gen, lotId);
      await tamper([
        [
          `UPDATE ledger_log_entries SET event_hash = decode(repeat('ab', 32), 'hex') WHERE lot_id = $1 AND seq = $2`,
          [lotId, first.seq],
        ],
      ]);
      const report = await wholeAudit();
      const added = faults(report).filter((f) => !faults(before).includes(f));
      assert.deepEqual(added, ['-:-:root-mismatch', `1:${first.seq}:differs-from-log`, `1:${first.seq}:leaf-differs`]);
      assert.equal(report.log.rootVerified, false);
    });

    it('a removed log entry leaves a gap; a replaced checkpoint root fails its signature', async () => {
      const before = await wholeAudit();
      const { rows } = await t.db.query(`SELECT lot_id, seq FROM ledger_log_entries WHERE log_index = 0`);
      await tamper([[`DELETE FROM ledger_log_entries WHERE log_index = 0`, []]]);
      await tamper([
        [
          `UPDATE ledger_checkpoints SET root_hash = decode(repeat('cd', 32), 'hex')
            WHERE tree_size = (SELECT max(tree_size) FROM ledger_checkpoints)`,
          [],
        ],
      ]);
      const report = await wholeAudit();
      const added = faults(report).filter((f) => !faults(before).includes(f));
      const victim = `${lots.indexOf(rows[0].lot_id)}:${rows[0].seq}`;
      assert.deepEqual(
        added,
        [
          '-:-:checkpoint-invalid',
          '-:-:log-shorter-than-checkpoint',
          `${victim}:not-in-log`,
          // The entry after the gap, reported at its own lot and seq.
          ...report.findings
            .filter((f) => f.fault === 'log-index-gap')
            .map((f) => `${lots.indexOf(f.lotId!)}:${f.seq}:log-index-gap`),
        ].sort(),
      );
      assert.equal(report.findings.filter((f) => f.fault === 'log-index-gap').length, 1);
      assert.match(report.findings.find((f) => f.fault === 'checkpoint-invalid')!.detail, /signature does not verify/);
    });
  });
});
