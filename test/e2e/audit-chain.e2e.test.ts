import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { insertFlag, runLifecycle, tamper, draftFor } from '../support/audit';
import { createLot, now } from '../support/lots';
import { district, draftBody, type District } from '../support/manifests';
import { addMember, createActor, startTestApp, type TestApp } from '../support/test-app';

describe('chain audit: GET /v1/audit/lots/{id} and /v1/audit/manifests/{id}', () => {
  let t: TestApp;
  let d: District;
  let lotId: string;
  let otherLotId: string;
  let manifestId: string;

  before(async () => {
    t = await startTestApp();
    d = await district(t);
    lotId = (await createLot(t, d.generator)).id;
    otherLotId = (await createLot(t, d.generator, { quantity: { value: '3', unit: 'kg' } })).id;
    manifestId = (await draftFor(t, d, draftBody(d, [lotId, otherLotId]))).id;
    await runLifecycle(t, d, manifestId, ['12.3', '3']);
  });
  after(() => t.close());

  const audit = (path: string, auth?: Record<string, string>) => {
    const req = t.http().get(`/v1/audit/${path}`);
    return auth ? req.set(auth) : req;
  };

  describe('auth matrix', () => {
    it('401 without a key, 403 for the platform admin and for drivers, 400 for a bad id', async () => {
      await audit(`lots/${lotId}`).expect(401);
      await audit(`manifests/${manifestId}`).expect(401);
      assert.equal((await audit(`lots/${lotId}`, t.admin).expect(403)).body.code, 'forbidden');
      await audit(`manifests/${manifestId}`, t.admin).expect(403);
      await audit(`lots/${lotId}`, d.carrier1Driver.auth).expect(403);
      await audit(`manifests/${manifestId}`, d.carrier1Driver.auth).expect(403);
      await audit('lots/not-a-uuid', d.generator.auth).expect(400);
      await audit('manifests/not-a-uuid', d.generator.auth).expect(400);
    });

    it('404 for a regulator outside the jurisdiction, another organisation, or an unknown id', async () => {
      const stranger = await createActor(t, { roles: ['GENERATOR'], region: '371502' });
      for (const who of [d.outsider, stranger]) {
        assert.equal((await audit(`lots/${lotId}`, who.auth).expect(404)).body.code, 'not-found');
        await audit(`manifests/${manifestId}`, who.auth).expect(404);
      }
      const elsewhere = (await createLot(t, d.treater, { wasteCode: '900-214-08' })).id;
      await audit(`lots/${elsewhere}`, d.generator.auth).expect(404);
      await audit('lots/00000000-0000-4000-8000-000000000000', d.regulator.auth).expect(404);
      await audit('manifests/00000000-0000-4000-8000-000000000000', d.regulator.auth).expect(404);
    });

    it('every party and the regulator over a party read it; an AUDITOR member too', async () => {
      const auditor = await addMember(t, d.generator.organisationId, 'AUDITOR');
      for (const who of [d.generator, d.carrier1, d.carrier2, d.treater, d.regulator, auditor]) {
        await audit(`lots/${lotId}`, who.auth).expect(200);
        await audit(`manifests/${manifestId}`, who.auth).expect(200);
      }
    });
  });

  it('the lot audit tells the whole story in order, with names, intervals, manifest and verification', async () => {
    const flagId = await insertFlag(t, {
      ruleId: 'QUANTITY_DISCREPANCY',
      subjectType: 'MANIFEST',
      subjectId: manifestId,
      organisationIds: [d.generator.organisationId, d.treater.organisationId],
    });
    const lotFlag = await insertFlag(t, {
      ruleId: 'STORAGE_LIMIT_EXCEEDED',
      subjectType: 'LOT',
      subjectId: lotId,
      organisationIds: [d.generator.organisationId],
      status: 'RESOLVED',
    });
    await insertFlag(t, {
      ruleId: 'STORAGE_LIMIT_EXCEEDED',
      subjectType: 'LOT',
      subjectId: otherLotId,
      organisationIds: [d.generator.organisationId],
    });
    const { body } = await audit(`lots/${lotId}`, d.regulator.auth).expect(200);
    assert.equal(body.lot.id, lotId);
    assert.equal(body.lot.status, 'DISPOSED');
    assert.deepEqual(body.lot.quantity, { value: '12300', unit: 'g', tonnes: '0.0123' });
    assert.equal(body.lot.generator.name, '东昌府区汽修厂');
    assert.ok(body.lot.wasteName.length > 0);
    assert.deepEqual(
      body.events.map((e: { seq: number; type: string; actor: { name: string } }) => [e.seq, e.type, e.actor.name]),
      [
        [1, 'GENERATED', '东昌府区汽修厂'],
        [2, 'HANDED_OVER', '东昌府区汽修厂'],
        [3, 'RECEIVED', '聊城危运一'],
        [4, 'RECEIVED', '济南危运二'],
        [5, 'RECEIVED', '济南处置中心'],
        [6, 'INSPECTED', '济南处置中心'],
        [7, 'DISPOSED', '济南处置中心'],
      ],
    );
    const at = (seq: number) => body.events[seq - 1].occurredAt;
    assert.deepEqual(
      body.custody.intervals.map(
        (i: { custodian: { name: string }; from: string; to: string; endedBy: { reason: string } }) => [
          i.custodian.name,
          i.from,
          i.to,
          i.endedBy.reason,
        ],
      ),
      [
        ['东昌府区汽修厂', at(1), at(3), 'TRANSFERRED'],
        ['聊城危运一', at(3), at(4), 'TRANSFERRED'],
        ['济南危运二', at(4), at(5), 'TRANSFERRED'],
        ['济南处置中心', at(5), at(7), 'CLOSED'],
      ],
    );
    assert.equal(body.custody.intervals[0].releasedAt, at(2));
    assert.equal(body.custody.intervals[1].startedBy.manifestId, manifestId);
    assert.deepEqual(body.custody.gaps, []);
    assert.deepEqual(body.custody.anomalies, []);
    assert.equal(body.custody.closed, true);

    assert.equal(body.manifests.length, 1);
    const m = body.manifests[0];
    assert.equal(m.id, manifestId);
    assert.equal(m.status, 'COMPLETED');
    assert.deepEqual(
      [m.consignor.name, ...m.carriers.map((c: { name: string }) => c.name), m.consignee.name],
      ['东昌府区汽修厂', '聊城危运一', '济南危运二', '济南处置中心'],
    );
    assert.deepEqual(m.line.declared, { value: '12345', unit: 'g', tonnes: '0.012345' });
    assert.deepEqual(m.line.received, { value: '12300', unit: 'g', tonnes: '0.0123' });
    assert.equal(m.line.decision, 'ACCEPTED');
    assert.equal(m.line.operationCode, 'D10');
    assert.deepEqual(
      m.steps.map((s: { action: string }) => s.action),
      ['submit', 'pickup', 'relay', 'deliver', 'receive', 'complete'],
    );
    // Flags on the lot and on its manifest (any status), not those of other lots.
    assert.deepEqual(body.flags.map((f: { id: string }) => f.id).sort(), [flagId, lotFlag].sort());
    assert.equal(body.verification.ok, true);
    assert.equal(body.verification.eventsChecked, 7);
    assert.deepEqual(body.lineage.upstream, { lots: [], edges: [], truncated: false });
  });

  it('the lineage DAG upstream and downstream with quantities, details only of visible lots', async () => {
    const q = (value: string) => ({ quantity: { value, unit: 'kg' } });
    const parent = await createLot(t, d.generator, { quantity: { value: '10', unit: 'kg' } });
    const split = await t
      .http()
      .post(`/v1/lots/${parent.id}/split`)
      .set(d.generator.auth)
      .send({ occurredAt: now(), handlerName: '赵六', parts: [q('4'), q('6')] })
      .expect(201);
    const [a, b] = split.body.children.map((c: { id: string }) => c.id);
    const extra = await createLot(t, d.generator, { quantity: { value: '1.5', unit: 'kg' } });
    const merged = await t
      .http()
      .post('/v1/lots/merge')
      .set(d.generator.auth)
      .send({ lotIds: [a, extra.id], occurredAt: now(), handlerName: '赵六', packagingType: 'IBC', containerCount: 1 })
      .expect(201);
    const m = merged.body.id as string;

    const ofA = (await audit(`lots/${a}`, d.generator.auth).expect(200)).body.lineage;
    assert.deepEqual(
      ofA.upstream.lots.map((l: { lotId: string; depth: number; visible: boolean }) => [l.lotId, l.depth, l.visible]),
      [[parent.id, 1, true]],
    );
    assert.deepEqual(
      ofA.upstream.edges.map(
        (e: { parentLotId: string; childLotId: string; kind: string; quantity: { value: string } }) => [
          e.parentLotId,
          e.childLotId,
          e.kind,
          e.quantity.value,
        ],
      ),
      [[parent.id, a, 'SPLIT', '4000']],
    );
    assert.deepEqual(
      ofA.downstream.lots.map((l: { lotId: string; depth: number }) => [l.lotId, l.depth]),
      [[m, 1]],
    );

    const ofM = (await audit(`lots/${m}`, d.regulator.auth).expect(200)).body;
    const up = ofM.lineage.upstream;
    assert.deepEqual(
      up.lots.map((l: { lotId: string; depth: number }) => [l.lotId, l.depth]).sort(),
      [
        [a, 1],
        [extra.id, 1],
        [parent.id, 2],
      ].sort(),
    );
    assert.deepEqual(
      up.edges
        .map((e: { parentLotId: string; childLotId: string; quantity: { value: string } }) => [
          e.parentLotId,
          e.childLotId,
          e.quantity.value,
        ])
        .sort(),
      [
        [a, m, '4000'],
        [extra.id, m, '1500'],
        [parent.id, a, '4000'],
      ].sort(),
    );
    assert.ok(!up.edges.some((e: { childLotId: string }) => e.childLotId === b), 'a sibling is not an ancestor');
    assert.equal(ofM.lineage.downstream.lots.length, 0);
    assert.equal(ofM.custody.intervals[0].startedBy.type, 'MERGED_FROM');
    assert.equal(ofM.verification.ok, true);

    const ofParent = (await audit(`lots/${parent.id}`, d.generator.auth).expect(200)).body;
    assert.deepEqual(
      ofParent.lineage.downstream.lots.map((l: { lotId: string; depth: number }) => [l.lotId, l.depth]).sort(),
      [
        [a, 1],
        [b, 1],
        [m, 2],
      ].sort(),
    );
    assert.equal(ofParent.custody.closed, true);
    assert.equal(ofParent.custody.intervals[0].endedBy.type, 'SPLIT');
  });

  it('the manifest audit matches every step with the events it wrote, and verifies each lot', async () => {
    const { body } = await audit(`manifests/${manifestId}`, d.carrier2.auth).expect(200);
    assert.equal(body.manifest.id, manifestId);
    assert.equal(body.manifest.status, 'COMPLETED');
    assert.equal(body.parties.consignee.name, '济南处置中心');
    assert.deepEqual(
      body.steps.map((s: { action: string; events: Array<{ type: string; lotId: string }>; complete: boolean }) => [
        s.action,
        s.events.map((e) => e.type),
        s.complete,
      ]),
      [
        ['submit', ['HANDED_OVER', 'HANDED_OVER'], true],
        ['pickup', ['RECEIVED', 'RECEIVED'], true],
        ['relay', ['RECEIVED', 'RECEIVED'], true],
        ['deliver', ['RECEIVED', 'RECEIVED'], true],
        ['receive', ['INSPECTED', 'INSPECTED'], true],
        ['complete', ['DISPOSED', 'DISPOSED'], true],
      ],
    );
    for (const s of body.steps) {
      assert.ok(s.events.every((e: { stepHash: string }) => e.stepHash === s.payloadHash));
    }
    assert.equal(body.steps[1].by.name, '聊城危运一');
    assert.deepEqual(body.unmatchedEvents, []);
    assert.equal(body.trailComplete, true);
    assert.deepEqual(
      body.lots.map((l: { lineNo: number; lotId: string; verification: { ok: boolean } }) => [
        l.lineNo,
        l.lotId,
        l.verification.ok,
      ]),
      [
        [1, lotId, true],
        [2, otherLotId, true],
      ],
    );
  });

  it('a tampered event fails the lot’s verification and breaks the manifest trail', async () => {
    const lot = (await createLot(t, d.generator)).id;
    const manifest = (await draftFor(t, d, draftBody(d, [lot]))).id;
    await runLifecycle(t, d, manifest, ['12.345']);
    // Someone with the database's keys changes the relay event's step hash.
    await tamper(
      t,
      `UPDATE custody_events SET payload = jsonb_set(payload, '{stepHash}', to_jsonb(repeat('f', 64))) WHERE lot_id = $1 AND seq = 4`,
      [lot],
    );
    const lotAudit = (await audit(`lots/${lot}`, d.regulator.auth).expect(200)).body;
    assert.equal(lotAudit.verification.ok, false);
    assert.equal(lotAudit.verification.fault, 'hash-mismatch');
    assert.equal(lotAudit.verification.firstBadSeq, 4);
    const trail = (await audit(`manifests/${manifest}`, d.regulator.auth).expect(200)).body;
    assert.equal(trail.trailComplete, false);
    const relay = trail.steps.find((s: { action: string }) => s.action === 'relay');
    assert.deepEqual(relay.missingLotIds, [lot]);
    assert.deepEqual(
      trail.unmatchedEvents.map((e: { lotId: string; seq: number }) => [e.lotId, e.seq]),
      [[lot, 4]],
    );
    assert.equal(trail.lots[0].verification.ok, false);
  });
});
