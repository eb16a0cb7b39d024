import assert from 'node:assert/strict';
import { generateKeyPairSync, sign } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import canonicalize from 'canonicalize';
import { createLot, now } from '../support/lots';
import { district, draft, draftBody, step, type District } from '../support/manifests';
import { startTestApp, type TestApp } from '../support/test-app';

describe('manifests (转移联单)', () => {
  let t: TestApp;
  let d: District;
  before(async () => {
    t = await startTestApp();
    d = await district(t);
  });
  after(() => t.close());

  const post = (id: string, action: string, auth: Record<string, string>, body: Record<string, unknown> = step()) =>
    t.http().post(`/v1/manifests/${id}/${action}`).set(auth).send(body);
  const events = async (lotId: string) =>
    (await t.http().get(`/v1/lots/${lotId}/events?limit=200`).set(d.generator.auth).expect(200)).body.items as Array<{
      type: string;
      organisationId: string;
      payload: Record<string, unknown>;
    }>;
  const lotOf = async (lotId: string, auth = d.treater.auth) =>
    (await t.http().get(`/v1/lots/${lotId}`).set(auth).expect(200)).body;

  describe('auth matrix', () => {
    it('401 without a key; 403 for a role that may not draft; 400 for a bad body', async () => {
      await t.http().post('/v1/manifests').send({}).expect(401);
      await t.http().post('/v1/manifests').set(d.carrier1.auth).send(draftBody(d, [])).expect(403);
      const bad = await t
        .http()
        .post('/v1/manifests')
        .set(d.generator.auth)
        .send({ consigneeId: 'x', lines: [], extra: 1 })
        .expect(400);
      assert.equal(bad.body.code, 'validation-failed');
      await t.http().get('/v1/manifests').expect(401);
    });
    it('a stranger gets 404 for a manifest; parties and the regulator see it', async () => {
      const { manifest } = await draft(t, d);
      await t.http().get(`/v1/manifests/${manifest.id}`).set(d.outsider.auth).expect(404);
      // A regulator's read of another organisation's manifest is recorded before it is answered.
      const reads = await t.db.query(
        `SELECT count(*)::int AS n FROM regulator_reads WHERE resource_type = 'manifest' AND $1 = ANY(resource_ids) AND regulator_organisation_id = $2`,
        [manifest.id, d.regulator.organisationId],
      );
      assert.equal(reads.rows[0].n, 0);
      for (const a of [d.generator, d.carrier1, d.carrier2, d.treater, d.regulator]) {
        await t.http().get(`/v1/manifests/${manifest.id}`).set(a.auth).expect(200);
      }
      const logged = await t.db.query(
        `SELECT count(*)::int AS n FROM regulator_reads WHERE resource_type = 'manifest' AND $1 = ANY(resource_ids) AND regulator_organisation_id = $2`,
        [manifest.id, d.regulator.organisationId],
      );
      assert.equal(logged.rows[0].n, 1);
      await post(manifest.id, 'submit', d.outsider.auth).expect(404);
      const list = await t.http().get('/v1/manifests?limit=200').set(d.outsider.auth).expect(200);
      assert.equal(list.body.items.length, 0);
    });
    it('a lot not in the consignor’s custody is 404 to it', async () => {
      const other = await createLot(t, d.treater, { wasteCode: '900-214-08' });
      const res = await t
        .http()
        .post('/v1/manifests')
        .set(d.generator.auth)
        .send(draftBody(d, [other.id]))
        .expect(404);
      assert.equal(res.body.code, 'not-found');
    });
  });

  it('the full path with two carriers moves custody only on each receiving party’s confirmation', async () => {
    const { manifest, lotIds } = await draft(t, d, 2);
    assert.match(manifest.number, /^\d{4}3715\d{6}$/);
    assert.equal(manifest.status, 'DRAFT');
    await post(manifest.id, 'submit', d.generator.auth).expect(200);
    assert.equal((await lotOf(lotIds[0], d.generator.auth)).custodianOrganisationId, d.generator.organisationId);
    const picked = await post(
      manifest.id,
      'pickup',
      d.carrier1Driver.auth,
      step({ location: '东昌府区汽修厂' }),
    ).expect(200);
    assert.equal(picked.body.status, 'IN_TRANSIT');
    assert.equal((await lotOf(lotIds[0], d.generator.auth)).custodianOrganisationId, d.carrier1.organisationId);
    await post(manifest.id, 'deliver', d.treater.auth).expect(409); // carrier 2 has not taken over yet
    await post(manifest.id, 'relay', d.carrier2.auth, step({ location: '济聊高速服务区' })).expect(200);
    assert.equal((await lotOf(lotIds[0])).custodianOrganisationId, d.carrier2.organisationId);
    await post(manifest.id, 'deliver', d.treater.auth).expect(200);
    assert.equal((await lotOf(lotIds[0])).custodianOrganisationId, d.treater.organisationId);
    const received = await post(
      manifest.id,
      'receive',
      d.treater.auth,
      step({
        lines: [
          { lineNo: 1, received: { value: '12.3', unit: 'kg' }, decision: 'ACCEPTED' },
          { lineNo: 2, received: { value: '12.345', unit: 'kg' }, decision: 'ACCEPTED' },
        ],
      }),
    ).expect(200);
    assert.equal(received.body.status, 'RECEIVED');
    assert.deepEqual(received.body.lines[0].received, { value: '12300', unit: 'g' });
    const completed = await post(
      manifest.id,
      'complete',
      d.treater.auth,
      step({
        lines: [
          { lineNo: 1, operationCode: 'D10', treated: { value: '12.3', unit: 'kg' } },
          { lineNo: 2, operationCode: 'D10', treated: { value: '12.345', unit: 'kg' } },
        ],
      }),
    ).expect(200);
    assert.equal(completed.body.status, 'COMPLETED');
    assert.deepEqual(
      completed.body.steps.map((s: { action: string }) => s.action),
      ['submit', 'pickup', 'relay', 'deliver', 'receive', 'complete'],
    );
    const chain = (await events(lotIds[0])).map((e) => e.type);
    assert.deepEqual(chain, ['GENERATED', 'HANDED_OVER', 'RECEIVED', 'RECEIVED', 'RECEIVED', 'INSPECTED', 'DISPOSED']);
    const lot = await lotOf(lotIds[0]);
    assert.equal(lot.status, 'DISPOSED');
    // Every step's hash is in the lots' chains, and the chains verify.
    const stepHashes = completed.body.steps.map((s: { payloadHash: string }) => s.payloadHash);
    const eventHashes = (await events(lotIds[0])).slice(1).map((e) => e.payload.stepHash);
    assert.deepEqual(eventHashes, [
      stepHashes[0],
      stepHashes[1],
      stepHashes[2],
      stepHashes[3],
      stepHashes[4],
      stepHashes[5],
    ]);
    const verification = await t.http().get(`/v1/lots/${lotIds[0]}/verification`).set(d.treater.auth).expect(200);
    assert.equal(verification.body.ok, true);
    // An outbox row asked for reconciliation of the manifest at each step.
    const outbox = await t.db.query(
      `SELECT count(*)::int AS n FROM outbox_messages WHERE job_name = 'reconciliation.manifests-changed' AND payload->'manifestIds' ? $1`,
      [manifest.id],
    );
    assert.equal(outbox.rows[0].n, 7);
  });

  it('each step answers the manifest exactly as it is read back, and queues lots-changed before manifests-changed', async () => {
    const { manifest, lotIds } = await draft(t, d, 2);
    const steps: Array<[string, Record<string, string>, Record<string, unknown>]> = [
      ['submit', d.generator.auth, step()],
      ['pickup', d.carrier1Driver.auth, step({ location: '东昌府区汽修厂' })],
      ['relay', d.carrier2.auth, step({ location: '服务区' })],
      ['deliver', d.treater.auth, step()],
      [
        'receive',
        d.treater.auth,
        step({
          lines: [
            { lineNo: 1, received: { value: '12.3', unit: 'kg' }, receivedContainers: 2, decision: 'ACCEPTED' },
            {
              lineNo: 2,
              received: { value: '12', unit: 'kg' },
              decision: 'PARTIALLY_REJECTED',
              accepted: { value: '10', unit: 'kg' },
              reason: '破损',
            },
          ],
        }),
      ],
      [
        'complete',
        d.treater.auth,
        step({
          lines: [
            { lineNo: 1, operationCode: 'D10', treated: { value: '12.3', unit: 'kg' } },
            { lineNo: 2, operationCode: 'D10', treated: { value: '10', unit: 'kg' } },
          ],
        }),
      ],
    ];
    for (const [action, auth, body] of steps) {
      const [{ max }] = (await t.db.query('SELECT coalesce(max(id), 0)::text AS max FROM outbox_messages')).rows;
      const res = await post(manifest.id, action, auth, body);
      assert.equal(res.status, 200, `${action}: ${JSON.stringify(res.body)}`);
      const read = await t.http().get(`/v1/manifests/${manifest.id}`).set(auth).expect(200);
      assert.equal(JSON.stringify(res.body), JSON.stringify(read.body), action);
      const outbox = await t.db.query(
        `SELECT job_name, payload FROM outbox_messages
          WHERE id > $1 AND job_name IN ('reconciliation.lots-changed', 'reconciliation.manifests-changed')
            AND (payload->'manifestIds' ? $2 OR payload->'lotIds' ?| $3::text[])
          ORDER BY id`,
        [max, manifest.id, lotIds],
      );
      // Every step of this path moves or records both lots: one row naming them in line order.
      assert.deepEqual(
        outbox.rows,
        [
          { job_name: 'reconciliation.lots-changed', payload: { lotIds } },
          { job_name: 'reconciliation.manifests-changed', payload: { manifestIds: [manifest.id] } },
        ],
        action,
      );
    }
  });

  it('every illegal transition is a 409 naming the current state, and changes nothing', async () => {
    const { manifest } = await draft(t, d);
    const bodies: Record<string, [Record<string, string>, Record<string, unknown>]> = {
      pickup: [d.carrier1.auth, step()],
      relay: [d.carrier2.auth, step({ location: '服务区' })],
      deliver: [d.treater.auth, step()],
      receive: [
        d.treater.auth,
        step({ lines: [{ lineNo: 1, received: { value: '1', unit: 'kg' }, decision: 'ACCEPTED' }] }),
      ],
      complete: [
        d.treater.auth,
        step({ lines: [{ lineNo: 1, operationCode: 'D10', treated: { value: '1', unit: 'kg' } }] }),
      ],
    };
    for (const [action, [auth, body]] of Object.entries(bodies)) {
      const res = await post(manifest.id, action, auth, body);
      assert.equal(res.status, 409, `${action}: ${JSON.stringify(res.body)}`);
      assert.equal(res.body.code, 'manifest-invalid-state');
      assert.equal(res.body.currentState, 'DRAFT');
    }
    const steps = await t.db.query('SELECT count(*)::int AS n FROM manifest_steps WHERE manifest_id = $1', [
      manifest.id,
    ]);
    assert.equal(steps.rows[0].n, 0);
    await post(manifest.id, 'submit', d.carrier1.auth).expect(403);
  });

  it('partial rejection, then a return manifest linked to it back to the consignor', async () => {
    const { manifest, lotIds } = await draft(t, d, 2);
    await post(manifest.id, 'submit', d.generator.auth).expect(200);
    await post(manifest.id, 'pickup', d.carrier1.auth).expect(200);
    await post(manifest.id, 'relay', d.carrier2.auth, step({ location: '服务区' })).expect(200);
    await post(manifest.id, 'deliver', d.treater.auth).expect(200);
    const badLines = await post(
      manifest.id,
      'receive',
      d.treater.auth,
      step({
        lines: [
          {
            lineNo: 1,
            received: { value: '12', unit: 'kg' },
            decision: 'PARTIALLY_REJECTED',
            accepted: { value: '12', unit: 'kg' },
            reason: 'x',
          },
        ],
      }),
    ).expect(400);
    assert.equal(badLines.body.code, 'validation-failed');
    const res = await post(
      manifest.id,
      'receive',
      d.treater.auth,
      step({
        lines: [
          {
            lineNo: 1,
            received: { value: '12', unit: 'kg' },
            decision: 'PARTIALLY_REJECTED',
            accepted: { value: '10', unit: 'kg' },
            reason: '2 kg 含水超标',
          },
          { lineNo: 2, received: { value: '12.345', unit: 'kg' }, decision: 'REJECTED', reason: '标签与联单不符' },
        ],
      }),
    ).expect(200);
    assert.equal(res.body.status, 'PARTIALLY_REJECTED');
    // The rejected lots stay with the consignee, free to go back.
    const returnBody = {
      ...draftBody(d, [lotIds[1]], { consigneeId: d.generator.organisationId }),
      linkedManifestId: manifest.id,
      linkKind: 'RETURN',
    };
    // A return goes back to the consignor only, and carries only the rejected waste.
    await t
      .http()
      .post('/v1/manifests')
      .set(d.treater.auth)
      .send({ ...returnBody, consigneeId: d.carrier1.organisationId })
      .expect(422);
    const back = await t.http().post('/v1/manifests').set(d.treater.auth).send(returnBody).expect(201);
    assert.equal(back.body.linkedManifestId, manifest.id);
    assert.equal(back.body.linkKind, 'RETURN');
    const again = await t.http().post('/v1/manifests').set(d.treater.auth).send(returnBody).expect(422);
    assert.equal(again.body.code, 'not-rejected-on-linked-manifest');
    await post(back.body.id, 'submit', d.treater.auth).expect(200);
    await post(back.body.id, 'pickup', d.carrier1.auth).expect(200);
    await post(back.body.id, 'relay', d.carrier2.auth, step({ location: '服务区' })).expect(200);
    await post(back.body.id, 'deliver', d.generator.auth).expect(200);
    assert.equal((await lotOf(lotIds[1], d.generator.auth)).custodianOrganisationId, d.generator.organisationId);
    const original = await t.http().get(`/v1/manifests/${manifest.id}`).set(d.treater.auth).expect(200);
    assert.equal(original.body.lines[1].decision, 'REJECTED');
    assert.equal(original.body.lines[1].followUpManifestId, back.body.id);
    const unknownCode = await post(
      manifest.id,
      'complete',
      d.treater.auth,
      step({ lines: [{ lineNo: 1, operationCode: 'X1', treated: { value: '10', unit: 'kg' } }] }),
    ).expect(400);
    assert.equal(unknownCode.body.errors[0].field, 'lines.0.operationCode');
    const completed = await post(
      manifest.id,
      'complete',
      d.treater.auth,
      step({
        lines: [{ lineNo: 1, operationCode: 'D10', treated: { value: '10', unit: 'kg' } }],
      }),
    ).expect(200);
    assert.equal(completed.body.status, 'COMPLETED');
    const lot1 = await lotOf(lotIds[0]);
    assert.equal(lot1.status, 'ACTIVE'); // 2 kg rejected remain, waiting for their return
    assert.deepEqual(lot1.quantity, { value: '2000', unit: 'g' });
  });

  it('cancellation before pickup releases the lots for another manifest', async () => {
    const { manifest, lotIds } = await draft(t, d);
    const clash = await t.http().post('/v1/manifests').set(d.generator.auth).send(draftBody(d, lotIds)).expect(409);
    assert.equal(clash.body.code, 'lot-on-open-manifest');
    await post(manifest.id, 'submit', d.generator.auth).expect(200);
    await post(manifest.id, 'cancel', d.generator.auth, step({ reason: '车辆故障' })).expect(200);
    await post(manifest.id, 'pickup', d.carrier1.auth).expect(409);
    await t.http().post('/v1/manifests').set(d.generator.auth).send(draftBody(d, lotIds)).expect(201);
    assert.deepEqual(
      (await events(lotIds[0])).map((e) => e.type),
      ['GENERATED', 'HANDED_OVER', 'REJECTED'],
    );
  });

  it('permit refusals name the rule and the party', async () => {
    const { manifest } = await draft(t, d, 1, { plannedOperation: 'R9' });
    const unlicensedOp = await post(manifest.id, 'submit', d.generator.auth);
    assert.equal(unlicensedOp.status, 200, JSON.stringify(unlicensedOp.body)); // UTILISATION is licensed
    const lot = await createLot(t, d.generator, { wasteCode: '900-052-31' }); // HW31: outside every permit's scope
    const res = await t
      .http()
      .post('/v1/manifests')
      .set(d.generator.auth)
      .send(draftBody(d, [lot.id]))
      .expect(201);
    const refused = await post(res.body.id, 'submit', d.generator.auth).expect(422);
    assert.equal(refused.body.code, 'permit-refused');
    const parties = new Set(
      (refused.body.refusals as Array<{ party: string; rule: string }>).map((r) => `${r.party}:${r.rule}`),
    );
    assert.ok(parties.has('CONSIGNEE:CODE_OUT_OF_SCOPE'), [...parties].join());
    assert.ok(parties.has('CARRIER 1:CODE_OUT_OF_SCOPE'), [...parties].join());
    assert.equal((await t.http().get(`/v1/manifests/${res.body.id}`).set(d.generator.auth)).body.status, 'DRAFT');
  });

  it('medical waste never goes by post, rail or air', async () => {
    const lot = await createLot(t, d.generator, { wasteCode: '841-001-01' });
    const res = await t
      .http()
      .post('/v1/manifests')
      .set(d.generator.auth)
      .send(draftBody(d, [lot.id], { transportMode: 'AIR' }))
      .expect(422);
    assert.equal(res.body.code, 'medical-transport-mode');
  });

  it('two simultaneous pickups: exactly one wins, the other gets 409, no half-applied state', async () => {
    const { manifest, lotIds } = await draft(t, d);
    await post(manifest.id, 'submit', d.generator.auth).expect(200);
    const results = await Promise.all([
      post(manifest.id, 'pickup', d.carrier1.auth),
      post(manifest.id, 'pickup', d.carrier1Driver.auth),
    ]);
    assert.deepEqual(results.map((r) => r.status).sort(), [200, 409]);
    assert.deepEqual(
      (await events(lotIds[0])).map((e) => e.type),
      ['GENERATED', 'HANDED_OVER', 'RECEIVED'],
    );
    const steps = await t.db.query(
      `SELECT count(*)::int AS n FROM manifest_steps WHERE manifest_id = $1 AND action = 'pickup'`,
      [manifest.id],
    );
    assert.equal(steps.rows[0].n, 1);
  });

  it('locking lots does not wait for foreign-key checks on them (the transparency log logging their events)', async () => {
    const lots = [await createLot(t, d.generator), await createLot(t, d.generator)];
    // What an INSERT referencing the lots (e.g. into ledger_log_entries) holds until it commits.
    const other = await t.db.connect();
    try {
      await other.query('BEGIN');
      await other.query('SELECT 1 FROM lots WHERE id = ANY($1::uuid[]) FOR KEY SHARE', [lots.map((l) => l.id)]);
      const res = await t
        .http()
        .post('/v1/manifests')
        .set(d.generator.auth)
        .send(
          draftBody(
            d,
            lots.map((l) => l.id),
          ),
        )
        .timeout(5_000);
      assert.equal(res.status, 201, JSON.stringify(res.body));
    } finally {
      await other.query('ROLLBACK');
      other.release();
    }
  });

  it('two manifests claiming one lot at once: exactly one wins', async () => {
    const lot = await createLot(t, d.generator);
    const results = await Promise.all(
      [1, 2, 3].map(() =>
        t
          .http()
          .post('/v1/manifests')
          .set(d.generator.auth)
          .send(draftBody(d, [lot.id])),
      ),
    );
    assert.deepEqual(results.map((r) => r.status).sort(), [201, 409, 409]);
  });

  it('numbers are unique and gap-free per city and year under concurrency', async () => {
    const lots = await Promise.all(Array.from({ length: 10 }, () => createLot(t, d.generator)));
    const results = await Promise.all(
      lots.map((l) =>
        t
          .http()
          .post('/v1/manifests')
          .set(d.generator.auth)
          .send(draftBody(d, [l.id])),
      ),
    );
    assert.ok(results.every((r) => r.status === 201));
    const { rows } = await t.db.query(`SELECT number FROM manifests WHERE number LIKE '____3715%' ORDER BY number`);
    const serials = rows.map((r: { number: string }) => Number(r.number.slice(8)));
    assert.deepEqual(
      serials,
      Array.from({ length: serials.length }, (_, i) => i + 1),
    );
  });

  it('idempotent retries of a step return the stored response', async () => {
    const { manifest } = await draft(t, d);
    const body = step();
    const first = await post(manifest.id, 'submit', d.generator.auth, body)
      .set('Idempotency-Key', `sub-${manifest.id}`)
      .expect(200);
    const again = await post(manifest.id, 'submit', d.generator.auth, body)
      .set('Idempotency-Key', `sub-${manifest.id}`)
      .expect(200);
    assert.deepEqual(again.body, first.body);
    const steps = await t.db.query('SELECT count(*)::int AS n FROM manifest_steps WHERE manifest_id = $1', [
      manifest.id,
    ]);
    assert.equal(steps.rows[0].n, 1);
  });

  it('a signed step verifies against the member’s device key; a bad signature is refused', async () => {
    const { publicKey, privateKey } = generateKeyPairSync('ed25519');
    const key = await t
      .http()
      .post(`/v1/members/${d.carrier1Driver.memberId}/device-keys`)
      .set(d.carrier1Driver.auth)
      .send({ label: 'phone', publicKey: publicKey.export({ format: 'jwk' }).x })
      .expect(201);
    const { manifest } = await draft(t, d);
    await post(manifest.id, 'submit', d.generator.auth).expect(200);
    const occurredAt = new Date().toISOString();
    const payload = {
      manifestId: manifest.id,
      manifestNumber: manifest.number,
      action: 'pickup',
      organisationId: d.carrier1.organisationId,
      memberId: d.carrier1Driver.memberId,
      location: '厂区门口',
      occurredAt,
    };
    const value = sign(null, Buffer.from(canonicalize(payload)!), privateKey).toString('base64url');
    const forged = await post(manifest.id, 'pickup', d.carrier1Driver.auth, {
      occurredAt,
      location: '别处',
      signature: { deviceKeyId: key.body.id, value },
    }).expect(422);
    assert.equal(forged.body.code, 'bad-signature');
    const ok = await post(manifest.id, 'pickup', d.carrier1Driver.auth, {
      occurredAt,
      location: '厂区门口',
      signature: { deviceKeyId: key.body.id, value },
    });
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    const pickup = ok.body.steps.find((s: { action: string }) => s.action === 'pickup');
    assert.equal(pickup.signature, value);
    assert.equal(pickup.deviceKeyId, key.body.id);
  });

  it('the database refuses to rewrite steps or delete manifests', async () => {
    await assert.rejects(t.db.query(`UPDATE manifest_steps SET actor = 'forged'`), /not allowed/);
    await assert.rejects(t.db.query(`DELETE FROM manifests`), /not allowed/);
  });

  it('lists filter by status and role, with a cursor', async () => {
    const mine = await t
      .http()
      .get('/v1/manifests?role=CONSIGNOR&status=DRAFT&limit=2')
      .set(d.generator.auth)
      .expect(200);
    assert.equal(mine.body.items.length, 2);
    assert.ok(mine.body.nextCursor);
    const asCarrier = await t.http().get('/v1/manifests?role=CONSIGNOR').set(d.carrier1.auth).expect(200);
    assert.equal(asCarrier.body.items.length, 0);
    const copy = await t
      .http()
      .get(`/v1/manifests/${mine.body.items[0].id}/copy-of-record`)
      .set(d.regulator.auth)
      .expect(200);
    assert.equal(copy.body.kind, 'custody-ledger/manifest-copy-of-record/v1');
    assert.equal(now().length > 0, true);
  });
});
