import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { WorkerService } from '../../src/queue/worker.service';
import { CN_DEFAULT_PROFILE } from '../../src/reconciliation/domain/rule-profile';
import { monthOf } from '../../src/reconciliation/facts/facility-months';
import { FactsLoader } from '../../src/reconciliation/facts/facts.loader';
import type { ManifestFactsSource } from '../../src/reconciliation/facts/manifest-facts.source';
import { createActor, startTestApp, type Actor, type TestApp } from '../support/test-app';
import { createLot, storedBody } from '../support/lots';
import { waitFor } from '../support/wait-for';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const ago = (ms: number) => new Date(Date.now() - ms).toISOString();

interface FlagRow {
  id: string;
  rule_id: string;
  subject_type: string;
  subject_id: string;
  dedupe_key: string;
  status: string;
  resolution: string | null;
  severity: string;
  resolved_at: Date | null;
}

async function flags(t: TestApp): Promise<FlagRow[]> {
  const { rows } = await t.db.query<FlagRow>(
    `SELECT id, rule_id, subject_type, subject_id, dedupe_key, status, resolution, severity, resolved_at
       FROM flags ORDER BY rule_id, subject_id, dedupe_key`,
  );
  return rows;
}

const label = (f: Pick<FlagRow, 'rule_id' | 'subject_type' | 'subject_id'>) =>
  `${f.rule_id} ${f.subject_type}:${f.subject_id}`;

/** Every outbox job done (processed or failed for good). */
async function drained(t: TestApp): Promise<void> {
  await waitFor(async () => {
    const { rows } = await t.db.query(
      `SELECT count(*)::int AS n FROM outbox_messages WHERE processed_at IS NULL AND failed_at IS NULL`,
    );
    return rows[0].n === 0;
  }, 20_000);
}

async function runToCompletion(t: TestApp, auth: { Authorization: string }, body: Record<string, unknown> = {}) {
  const accepted = await t.http().post('/v1/reconciliation/runs').set(auth).send(body).expect(202);
  const run = await waitFor(async () => {
    const res = await t.http().get(`/v1/reconciliation/runs/${accepted.body.id}`).set(auth).expect(200);
    return res.body.status === 'COMPLETED' || res.body.status === 'FAILED' ? res.body : null;
  }, 20_000);
  assert.equal(run.status, 'COMPLETED', JSON.stringify(run));
  await drained(t);
  return run;
}

describe('reconciliation: lots → jobs → flags', () => {
  let t: TestApp;
  let hospital: Actor;
  let factory: Actor;
  let collector: Actor;
  let regulator: Actor;
  let farRegulator: Actor;
  const lot: Record<string, string> = {};
  let correctionAt: string;

  before(async () => {
    // The API tolerates an hour of client clock skew; the profile flags more than 5 minutes.
    t = await startTestApp({ OUTBOX_POLL_MS: '20', CLOCK_SKEW_SECONDS: '3600' }, { worker: true });
    hospital = await createActor(t, { roles: ['GENERATOR'], region: '371502', name: '聊城某医院' });
    factory = await createActor(t, { roles: ['GENERATOR'], region: '371502', name: '聊城某汽修厂' });
    collector = await createActor(t, { roles: ['COLLECTOR'], region: '371521', name: '聊城某收集站' });
    regulator = await createActor(t, { roles: ['REGULATOR'], region: '371500' });
    farRegulator = await createActor(t, { roles: ['REGULATOR'], region: '110000' });

    // Medical waste held 60 h at the producer (limit 48 h); the hospital was never collected.
    lot.medical = (await createLot(t, hospital, { wasteCode: '841-001-01', occurredAt: ago(60 * HOUR) })).id;
    // An event dated 30 minutes after the server recorded it.
    lot.clock = (await createLot(t, factory, { occurredAt: ago(HOUR) })).id;
    await t
      .http()
      .post(`/v1/lots/${lot.clock}/events`)
      .set(factory.auth)
      .send(storedBody({ occurredAt: new Date(Date.now() + 30 * 60_000).toISOString() }))
      .expect(201);
    // Generated 100 days ago, never shipped, never touched since.
    lot.orphan = (await createLot(t, factory, { occurredAt: ago(100 * DAY) })).id;
    // A collector's stock: 100 kg, then 20 kg vanish by a correction (no treatment, no shipment).
    lot.stock = (
      await createLot(t, collector, { occurredAt: ago(40 * DAY), quantity: { value: '100', unit: 'kg' } })
    ).id;
    correctionAt = ago(39 * DAY);
    await t
      .http()
      .post(`/v1/lots/${lot.stock}/events`)
      .set(collector.auth)
      .send({
        type: 'CORRECTED',
        occurredAt: correctionAt,
        handlerName: '王五',
        corrects: { seq: 1 },
        reason: 're-weighed',
        quantity: { value: '80', unit: 'kg' },
      })
      .expect(201);
    // Nothing wrong with this one.
    lot.clean = (await createLot(t, factory, { occurredAt: ago(HOUR) })).id;
    await t.http().post(`/v1/lots/${lot.clean}/events`).set(factory.auth).send(storedBody()).expect(201);
    await drained(t);
  });
  after(() => t.close());

  const expected = () =>
    [
      `CLOCK_ANOMALY LOT:${lot.clock}`,
      `MASS_BALANCE FACILITY_PERIOD:${collector.organisationId}@${monthOf(correctionAt)}`,
      `MEDICAL_COLLECTION_INTERVAL ORGANISATION:${hospital.organisationId}`,
      `ORPHAN_LOT LOT:${lot.orphan}`,
      `STORAGE_LIMIT_EXCEEDED LOT:${lot.medical}`,
    ].sort();

  it('the ledger’s jobs raise exactly the expected flags, with their evidence', async () => {
    const all = await flags(t);
    assert.deepEqual(all.map(label).sort(), expected());
    assert.ok(all.every((f) => f.status === 'OPEN'));
    const byRule = new Map(all.map((f) => [f.rule_id, f]));
    assert.equal(byRule.get('STORAGE_LIMIT_EXCEEDED')!.severity, 'HIGH');
    assert.match(byRule.get('STORAGE_LIMIT_EXCEEDED')!.dedupe_key, /:MEDICAL_AT_PRODUCER$/);
    assert.match(byRule.get('CLOCK_ANOMALY')!.dedupe_key, /:future$/);

    const mass = await t
      .http()
      .get(`/v1/flags/${byRule.get('MASS_BALANCE')!.id}`)
      .set(collector.auth)
      .expect(200);
    assert.equal(mass.body.evidence.residualGrams, 20_000);
    assert.equal(mass.body.evidence.generatedGrams + mass.body.evidence.openingStockGrams, 100_000);
    assert.equal(mass.body.evidence.closingStockGrams, 80_000);
    const medical = await t
      .http()
      .get(`/v1/flags/${byRule.get('MEDICAL_COLLECTION_INTERVAL')!.id}`)
      .set(regulator.auth)
      .expect(200);
    assert.equal(medical.body.evidence.lastCollectedAt, null);
    assert.equal(medical.body.evidence.limitHours, 48);
    // Every subject evaluated is recorded, with when its time rules are next due.
    const { rows } = await t.db.query(
      `SELECT subject_type, subject_id, due_at FROM reconciliation_subjects WHERE subject_type = 'LOT'`,
    );
    assert.equal(rows.length, Object.keys(lot).length);
    assert.ok(rows.every((r) => r.due_at === null || r.due_at > new Date()));
  });

  it('replaying every job and a full run raise no duplicate and change no resolved flag', async () => {
    const clockFlag = (await flags(t)).find((f) => f.rule_id === 'CLOCK_ANOMALY')!;
    await t
      .http()
      .post(`/v1/flags/${clockFlag.id}/resolve`)
      .set(regulator.auth)
      .send({ note: 'device clock fixed' })
      .expect(200);
    const before = await flags(t);
    const events = (await t.db.query(`SELECT count(*)::int AS n FROM flag_events`)).rows[0].n;

    // The very same jobs again, twice, plus a full run (as the admin) and one by the regulator.
    await t.db.query(
      `INSERT INTO outbox_messages (job_name, payload) SELECT 'reconciliation.lots-changed', jsonb_build_object('lotIds', $1::jsonb)
         FROM generate_series(1, 2)`,
      [JSON.stringify(Object.values(lot))],
    );
    await drained(t);
    const run = await runToCompletion(t, t.admin);
    assert.equal(run.progress.processed, run.progress.total);
    assert.ok(run.progress.total >= Object.keys(lot).length + 2);
    assert.equal(run.flagsRaised, 0);
    assert.equal(run.flagsResolved, 0);
    await runToCompletion(t, regulator.auth, { periodFrom: '2020-01-01' });

    const afterReplay = await flags(t);
    assert.deepEqual(afterReplay, before);
    const resolved = afterReplay.find((f) => f.id === clockFlag.id)!;
    assert.equal(resolved.status, 'RESOLVED');
    assert.equal(resolved.resolution, 'MANUAL');
    const raised = await t.db.query(`SELECT count(*)::int AS n FROM flag_events WHERE kind = 'RAISED'`);
    assert.equal(raised.rows[0].n, afterReplay.length, 'one RAISED event per flag, ever');
    assert.equal(
      (await t.db.query(`SELECT count(*)::int AS n FROM flag_events`)).rows[0].n,
      events,
      'no flag was raised or resolved by the replays',
    );
  });

  it('a flag resolves automatically when its condition clears, keeping its history', async () => {
    await t.http().post(`/v1/lots/${lot.orphan}/events`).set(factory.auth).send(storedBody()).expect(201);
    // The collector finds the 20 kg: the month balances again.
    await t
      .http()
      .post(`/v1/lots/${lot.stock}/events`)
      .set(collector.auth)
      .send({
        type: 'CORRECTED',
        occurredAt: correctionAt,
        handlerName: '王五',
        corrects: { seq: 2 },
        reason: 'scale was wrong',
        quantity: { value: '100', unit: 'kg' },
      })
      .expect(201);
    await drained(t);
    const all = await flags(t);
    const orphan = all.find((f) => f.rule_id === 'ORPHAN_LOT')!;
    const mass = all.find((f) => f.rule_id === 'MASS_BALANCE')!;
    for (const f of [orphan, mass]) {
      assert.equal(f.status, 'RESOLVED', label(f));
      assert.equal(f.resolution, 'AUTO');
    }
    assert.equal(all.length, expected().length, 'no new flag');
    const detail = await t.http().get(`/v1/flags/${orphan.id}`).set(factory.auth).expect(200);
    assert.deepEqual(
      detail.body.history.map((h: { kind: string }) => h.kind),
      ['RAISED', 'RESOLVED'],
    );
    assert.equal(detail.body.history[1].actor, 'system:reconciliation');
  });

  it('a chain altered behind the ledger’s back raises CHAIN_TAMPERED at its next reconciliation', async () => {
    const client = await t.db.connect();
    try {
      await client.query('BEGIN');
      await client.query(`SET LOCAL session_replication_role = replica`);
      await client.query(
        `UPDATE custody_events SET payload = payload || '{"handlerName":"forged"}' WHERE lot_id = $1 AND seq = 2`,
        [lot.clean],
      );
      await client.query('COMMIT');
    } finally {
      client.release();
    }
    await t.db.query(
      `INSERT INTO outbox_messages (job_name, payload) VALUES ('reconciliation.lots-changed', jsonb_build_object('lotIds', jsonb_build_array($1::text)))`,
      [lot.clean],
    );
    await drained(t);
    const { rows } = await t.db.query(
      `SELECT dedupe_key, severity, evidence, organisation_ids FROM flags WHERE rule_id = 'CHAIN_TAMPERED'`,
    );
    assert.equal(rows.length, 1);
    assert.equal(rows[0].dedupe_key, `CHAIN_TAMPERED:LOT:${lot.clean}`);
    assert.equal(rows[0].severity, 'CRITICAL');
    assert.equal(rows[0].evidence.firstFailure.seq, 2);
    assert.match(rows[0].evidence.firstFailure.reason, /^hash-mismatch/);
    assert.deepEqual(rows[0].organisation_ids, [factory.organisationId]);
  });

  describe('POST /v1/reconciliation/runs', () => {
    it('401 without a key', async () => {
      await t.http().post('/v1/reconciliation/runs').send({}).expect(401);
    });

    it('403 for a member of a non-regulator organisation', async () => {
      const res = await t.http().post('/v1/reconciliation/runs').set(factory.auth).send({}).expect(403);
      assert.equal(res.body.code, 'forbidden');
    });

    it('400 for a bad region, a bad date, an unknown field, a period that ends before it starts', async () => {
      for (const body of [
        { regionPrefix: '37AB' },
        { periodFrom: '2026-02-30' },
        { region: '3715' },
        { periodFrom: '2026-03-01', periodTo: '2026-02-01' },
      ]) {
        const res = await t.http().post('/v1/reconciliation/runs').set(regulator.auth).send(body).expect(400);
        assert.equal(res.body.code, 'validation-failed', JSON.stringify(body));
      }
    });

    it('403 outside-jurisdiction for a regulator asking for another region', async () => {
      const res = await t
        .http()
        .post('/v1/reconciliation/runs')
        .set(regulator.auth)
        .send({ regionPrefix: '11' })
        .expect(403);
      assert.equal(res.body.code, 'outside-jurisdiction');
    });

    it('202: a regulator’s run defaults to its jurisdiction; another regulator gets 404 for it', async () => {
      const res = await t.http().post('/v1/reconciliation/runs').set(regulator.auth).send({}).expect(202);
      assert.equal(res.body.status, 'QUEUED');
      const row = await t.db.query(`SELECT region_prefix, requested_by FROM reconciliation_runs WHERE id = $1`, [
        res.body.id,
      ]);
      assert.equal(row.rows[0].region_prefix, '3715');
      assert.match(row.rows[0].requested_by, /^member:/);
      await t.http().get(`/v1/reconciliation/runs/${res.body.id}`).set(farRegulator.auth).expect(404);
      await t.http().get(`/v1/reconciliation/runs/${res.body.id}`).set(factory.auth).expect(403);
      await t.http().get(`/v1/reconciliation/runs/${res.body.id}`).expect(401);
      await t.http().get(`/v1/reconciliation/runs/not-a-uuid`).set(regulator.auth).expect(400);
      await drained(t);
    });

    it('a regulator’s run covers its region only; progress, flags and duration are reported', async () => {
      const run = await runToCompletion(t, regulator.auth, { regionPrefix: '371521' });
      // The collector (371521): its lot, and its facility months.
      assert.ok(run.progress.total >= 2);
      assert.equal(run.progress.ratio, 1);
      assert.equal(run.regionPrefix, '371521');
      assert.ok(run.durationMs >= 0);
      assert.ok(run.startedAt && run.finishedAt);
    });

    it('lists runs newest first, by cursor; a far regulator sees none of them', async () => {
      const first = await t.http().get('/v1/reconciliation/runs?limit=1').set(regulator.auth).expect(200);
      assert.equal(first.body.items.length, 1);
      assert.ok(first.body.nextCursor);
      const second = await t
        .http()
        .get(`/v1/reconciliation/runs?limit=1&cursor=${first.body.nextCursor}`)
        .set(regulator.auth)
        .expect(200);
      assert.ok(second.body.items[0].createdAt <= first.body.items[0].createdAt);
      assert.notEqual(second.body.items[0].id, first.body.items[0].id);
      const far = await t.http().get('/v1/reconciliation/runs').set(farRegulator.auth).expect(200);
      assert.equal(far.body.items.length, 0);
      const all = await t.http().get('/v1/reconciliation/runs').set(t.admin).expect(200);
      assert.ok(all.body.items.length >= 4);
      await t.http().get('/v1/reconciliation/runs?cursor=bogus').set(t.admin).expect(400);
    });
  });

  describe('GET /v1/profiles/active', () => {
    it('401 without a key; any member reads the CN profile in force, as seeded from CN_DEFAULT_PROFILE', async () => {
      await t.http().get('/v1/profiles/active').expect(401);
      const res = await t.http().get('/v1/profiles/active').set(factory.auth).expect(200);
      assert.deepEqual(res.body, JSON.parse(JSON.stringify(CN_DEFAULT_PROFILE)));
      await t.http().get('/v1/profiles/active?date=2023-05-01&regime=CN').set(t.admin).expect(200);
    });

    it('404 when no profile is in force; 400 for a bad date or regime', async () => {
      await t.http().get('/v1/profiles/active?date=2021-12-31').set(regulator.auth).expect(404);
      await t.http().get('/v1/profiles/active?regime=EU').set(regulator.auth).expect(404);
      await t.http().get('/v1/profiles/active?date=2026-13-01').set(regulator.auth).expect(400);
      await t.http().get('/v1/profiles/active?regime=cn!').set(regulator.auth).expect(400);
    });
  });

  describe('GET /v1/admin/job-failures', () => {
    it('401 without a key, 403 for members and regulators', async () => {
      await t.http().get('/v1/admin/job-failures').expect(401);
      await t.http().get('/v1/admin/job-failures').set(factory.auth).expect(403);
      await t.http().get('/v1/admin/job-failures').set(regulator.auth).expect(403);
    });

    it('the admin pages through failures, newest first; 400 for a forged cursor', async () => {
      await t.db.query(
        `INSERT INTO job_failures (queue, job_id, job_name, payload, attempts, error)
         SELECT '{reconciliation}', 'outbox-' || i, 'reconciliation.run-batch', '{"runId":null}', 8, 'boom ' || i
           FROM generate_series(1, 3) AS i`,
      );
      const page1 = await t.http().get('/v1/admin/job-failures?limit=2').set(t.admin).expect(200);
      assert.deepEqual(
        page1.body.items.map((f: { error: string }) => f.error),
        ['boom 3', 'boom 2'],
      );
      const page2 = await t
        .http()
        .get(`/v1/admin/job-failures?limit=2&cursor=${page1.body.nextCursor}`)
        .set(t.admin)
        .expect(200);
      assert.deepEqual(
        page2.body.items.map((f: { error: string }) => f.error),
        ['boom 1'],
      );
      assert.equal(page2.body.nextCursor, null);
      const filtered = await t
        .http()
        .get('/v1/admin/job-failures?jobName=maintenance.purge-expired')
        .set(t.admin)
        .expect(200);
      assert.equal(filtered.body.items.length, 0);
      const forged = Buffer.from(JSON.stringify(['x', '1; DROP TABLE flags'])).toString('base64url');
      await t.http().get(`/v1/admin/job-failures?cursor=${forged}`).set(t.admin).expect(400);
    });

    it('a run batch that fails for good is recorded, listed, and marks its run FAILED', async () => {
      const { rows } = await t.db.query(
        `INSERT INTO reconciliation_runs (requested_by, status, total, batches_total, started_at)
         VALUES ('test', 'RUNNING', 10, 1, now()) RETURNING id`,
      );
      const runId = rows[0].id as string;
      await t.app.get(WorkerService).failedForGood({
        queue: '{reconciliation}',
        jobId: 'outbox-999999',
        jobName: 'reconciliation.run-batch',
        payload: { runId, batchNo: 1, lotIds: [], organisationIds: [] },
        attempts: 8,
        error: 'Error: database on fire\n    at somewhere',
      });
      const run = await t.http().get(`/v1/reconciliation/runs/${runId}`).set(t.admin).expect(200);
      assert.equal(run.body.status, 'FAILED');
      assert.equal(run.body.error, 'batch 1 failed: Error: database on fire');
      const listed = await t.http().get('/v1/admin/job-failures?jobName=reconciliation.run-batch&limit=1').set(t.admin);
      assert.equal(listed.body.items[0].jobId, 'outbox-999999');
      assert.equal(listed.body.items[0].payload.runId, runId);
    });
  });
});

describe('reconciliation: the sweep catches what only time changes', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp({ OUTBOX_POLL_MS: '20', RECONCILIATION_SWEEP_MS: '1000' }, { worker: true });
  });
  after(() => t.close());

  it('medical waste crossing 48 h at the producer while nothing happens escalates to HIGH', async () => {
    const hospital = await createActor(t, { roles: ['GENERATOR'], region: '371502' });
    // 36 h have passed (warning); the 48 h limit passes 3 s from now.
    const id = (await createLot(t, hospital, { wasteCode: '841-001-01', occurredAt: ago(48 * HOUR - 3_000) })).id;
    const warned = await waitFor(async () => {
      const { rows } = await t.db.query(
        `SELECT severity, evidence->>'status' AS status FROM flags WHERE rule_id = 'STORAGE_LIMIT_EXCEEDED' AND subject_id = $1`,
        [id],
      );
      return rows[0];
    });
    assert.deepEqual(warned, { severity: 'WARNING', status: 'APPROACHING_LIMIT' });
    const breached = await waitFor(async () => {
      const { rows } = await t.db.query(
        `SELECT count(*)::int AS n, max(severity) AS severity, max(evidence->>'status') AS status
           FROM flags WHERE rule_id = 'STORAGE_LIMIT_EXCEEDED' AND subject_id = $1`,
        [id],
      );
      return rows[0].status === 'EXCEEDED' ? rows[0] : null;
    }, 15_000);
    assert.deepEqual(breached, { n: 1, severity: 'HIGH', status: 'EXCEEDED' });
    // …and the institution, not collected within 48 h of its first waste.
    await waitFor(async () => {
      const { rows } = await t.db.query(
        `SELECT 1 FROM flags WHERE rule_id = 'MEDICAL_COLLECTION_INTERVAL' AND subject_id = $1`,
        [hospital.organisationId],
      );
      return rows.length === 1;
    }, 15_000);
  });

  it('open lots never evaluated (e.g. imported without jobs) are swept', async () => {
    const factory = await createActor(t, { roles: ['GENERATOR'], region: '371502' });
    const id = (await createLot(t, factory, { occurredAt: ago(HOUR) })).id;
    await drained(t);
    // Forget it was ever evaluated, as for a lot written without its outbox row.
    await t.db.query(`DELETE FROM reconciliation_subjects WHERE subject_id = $1`, [id]);
    const evaluated = await waitFor(async () => {
      const { rows } = await t.db.query(`SELECT evaluated_at FROM reconciliation_subjects WHERE subject_id = $1`, [id]);
      return rows[0]?.evaluated_at ?? null;
    }, 15_000);
    assert.ok(evaluated instanceof Date);
  });
});

describe('reconciliation: manifest facts plug in through ManifestFactsSource', () => {
  let t: TestApp;
  let consignor: Actor;
  let consignee: Actor;
  const manifestId = '6b3f3c1e-0c6a-4d8e-9f2a-3c1d2b4a5e6f';
  const lotId = '1d2c3b4a-5e6f-4a7b-8c9d-0e1f2a3b4c5d';
  let receivedCode = '900-249-08';

  before(async () => {
    t = await startTestApp({ OUTBOX_POLL_MS: '20' }, { worker: true });
    consignor = await createActor(t, { roles: ['GENERATOR'], region: '371502' });
    consignee = await createActor(t, { roles: ['TREATER'], region: '370102' });
    const source: ManifestFactsSource = {
      load: (_manager, request) =>
        Promise.resolve({
          manifests: request.manifestIds
            .filter((id) => id === manifestId)
            .map((id) => ({
              id,
              number: '20263715000001',
              status: 'RECEIVED' as const,
              consignorId: consignor.organisationId,
              consigneeId: consignee.organisationId,
              carriers: [],
              submittedAt: ago(3 * DAY),
              steps: [],
              lines: [
                {
                  lotId,
                  declaredCode: '900-041-49',
                  declaredGrams: 1000,
                  declaredContainers: 1,
                  receivedCode,
                  receivedGrams: 1000,
                  receivedContainers: 1,
                  decision: 'ACCEPTED' as const,
                },
              ],
            })),
        }),
      idsForRun: () => Promise.resolve([manifestId]),
    };
    t.app.get(FactsLoader).useManifestSource(source);
  });
  after(() => t.close());

  const typeFlags = () =>
    t.db.query(`SELECT dedupe_key, status, resolution, region_codes FROM flags WHERE rule_id = 'TYPE_DISCREPANCY'`);

  it('a manifests-changed job raises the manifest’s flags, routed to its parties’ regions', async () => {
    await t.db.query(
      `INSERT INTO outbox_messages (job_name, payload) VALUES ('reconciliation.manifests-changed', $1)`,
      [JSON.stringify({ manifestIds: [manifestId] })],
    );
    await drained(t);
    const { rows } = await typeFlags();
    assert.deepEqual(rows, [
      {
        dedupe_key: `TYPE_DISCREPANCY:MANIFEST:${manifestId}:${lotId}`,
        status: 'OPEN',
        resolution: null,
        region_codes: ['370102', '371502'],
      },
    ]);
  });

  it('a full run includes the source’s manifests; a corrected receipt clears the flag', async () => {
    receivedCode = '900-041-49';
    const run = await runToCompletion(t, t.admin);
    assert.equal(run.progress.total, 1, 'the manifest (there are no lots)');
    assert.equal(run.flagsResolved, 1);
    const { rows } = await typeFlags();
    assert.equal(rows[0].status, 'RESOLVED');
    assert.equal(rows[0].resolution, 'AUTO');
  });
});
