import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { custodyBreak, manifestStepBreaks } from '../../../src/reconciliation/domain/rules/custody-break';
import { CAR1, CAR2, GEN, OTHER, TRT, after, batch, cst, HOUR, lot, manifest, profile, step } from './builders';

const t0 = cst('2025-09-01 08:00');
const at = (h: number) => after(t0, h * HOUR);
const run = (...lots: ReturnType<typeof lot>[]) => custodyBreak(batch({ lots }), profile);

describe('CUSTODY_BREAK on a lot’s events', () => {
  it('a connected chain raises nothing', () => {
    const l = lot('lot-1', [
      { type: 'GENERATED', org: GEN, at: t0 },
      { type: 'STORED', org: GEN, at: at(1) },
      { type: 'HANDED_OVER', org: GEN, at: at(2), to: CAR1 },
      { type: 'RECEIVED', org: CAR1, at: at(2), from: GEN },
      { type: 'HANDED_OVER', org: CAR1, at: at(5), to: TRT },
      { type: 'RECEIVED', org: TRT, at: at(5) },
      { type: 'TREATED', org: TRT, at: at(30) },
    ]);
    assert.deepEqual(run(l), []);
  });

  it('an event by an organisation that was not the custodian (a handover pending is not custody)', () => {
    const l = lot('lot-1', [
      { type: 'GENERATED', org: GEN, at: t0 },
      { type: 'HANDED_OVER', org: GEN, at: at(1), to: CAR1 },
      { type: 'STORED', org: CAR1, at: at(2), id: 'ev-store' },
    ]);
    const [f, ...rest] = run(l);
    assert.equal(rest.length, 0);
    assert.equal(f.ruleId, 'CUSTODY_BREAK');
    assert.equal(f.severity, 'HIGH');
    assert.equal(f.action, 'FLAG');
    assert.deepEqual(f.subject, { type: 'LOT', id: 'lot-1' });
    assert.equal(f.dedupeKey, 'CUSTODY_BREAK:LOT:lot-1:ev-store');
    assert.deepEqual(f.organisationIds, [CAR1, GEN].sort());
    assert.equal(f.evidence.kind, 'NOT_CUSTODIAN');
    assert.equal(f.evidence.expectedId, GEN);
    assert.equal(f.evidence.occurredAt, '2025-09-01T02:00:00.000Z');
  });

  it('handovers that do not connect: received by another party, or with no handover', () => {
    const wrong = lot('lot-1', [
      { type: 'GENERATED', org: GEN, at: t0 },
      { type: 'HANDED_OVER', org: GEN, at: at(1), to: CAR1 },
      { type: 'RECEIVED', org: CAR2, at: at(2) },
      // Follows the ledger from there: CAR2 holds it, so its next handover is not flagged again.
      { type: 'HANDED_OVER', org: CAR2, at: at(3), to: TRT },
      { type: 'RECEIVED', org: TRT, at: at(4) },
    ]);
    assert.deepEqual(
      run(wrong).map((f) => [f.evidence.kind, f.evidence.expectedId]),
      [['ACCEPT_BY_OTHER_PARTY', CAR1]],
    );
    const none = lot('lot-2', [
      { type: 'GENERATED', org: GEN, at: t0 },
      { type: 'RECEIVED', org: CAR1, at: at(1) },
    ]);
    assert.deepEqual(
      run(none).map((f) => f.evidence.kind),
      ['ACCEPT_WITHOUT_HANDOVER'],
    );
    // Later legs of a manifest: the next carrier confirms receipt from the current custodian;
    // the manifest is the release, so this connects.
    const relayed = lot('lot-4', [
      { type: 'GENERATED', org: GEN, at: t0 },
      { type: 'HANDED_OVER', org: GEN, at: at(1), to: CAR1, manifestId: 'm-1' },
      { type: 'RECEIVED', org: CAR1, at: at(2), from: GEN, manifestId: 'm-1' },
      { type: 'RECEIVED', org: CAR2, at: at(3), from: CAR1, manifestId: 'm-1' },
      { type: 'RECEIVED', org: TRT, at: at(4), from: CAR2, manifestId: 'm-1' },
    ]);
    assert.deepEqual(run(relayed), []);
    // …but not from someone who does not hold it, nor without a manifest.
    const forged = lot('lot-5', [
      { type: 'GENERATED', org: GEN, at: t0 },
      { type: 'RECEIVED', org: CAR2, at: at(3), from: CAR1, manifestId: 'm-1' },
      { type: 'RECEIVED', org: TRT, at: at(4), from: CAR2 },
    ]);
    assert.deepEqual(
      run(forged).map((f) => f.evidence.kind),
      ['ACCEPT_WITHOUT_HANDOVER', 'ACCEPT_WITHOUT_HANDOVER'],
    );
    const sender = lot('lot-3', [
      { type: 'GENERATED', org: GEN, at: t0 },
      { type: 'HANDED_OVER', org: GEN, at: at(1), to: CAR1 },
      { type: 'RECEIVED', org: CAR1, at: at(1), from: OTHER },
    ]);
    assert.deepEqual(
      run(sender).map((f) => f.evidence.kind),
      ['ACCEPT_FROM_OTHER_PARTY'],
    );
  });

  it('origin problems, and events after the lot was closed', () => {
    const noOrigin = lot('lot-1', [{ type: 'STORED', org: GEN, at: t0 }]);
    const foreign = lot('lot-2', [{ type: 'GENERATED', org: OTHER, at: t0 }]);
    const afterTreatment = lot('lot-3', [
      { type: 'GENERATED', org: GEN, at: t0 },
      { type: 'TREATED', org: GEN, at: at(1) },
      { type: 'HANDED_OVER', org: GEN, at: at(2), to: CAR1 },
    ]);
    const twice = lot('lot-4', [
      { type: 'GENERATED', org: GEN, at: t0 },
      { type: 'GENERATED', org: GEN, at: at(1) },
    ]);
    assert.deepEqual(
      run(noOrigin, foreign, afterTreatment, twice).map((f) => [f.subject.id, f.evidence.kind]),
      [
        ['lot-1', 'MISSING_ORIGIN'],
        ['lot-2', 'ORIGIN_NOT_BY_GENERATOR'],
        ['lot-3', 'LOT_CLOSED'],
        ['lot-4', 'DUPLICATE_ORIGIN'],
      ],
    );
  });

  it('a lot created by a split starts with SPLIT; a partial treatment does not close it', () => {
    const child = lot('lot-c', [
      { type: 'SPLIT', org: TRT, at: t0 },
      { type: 'TREATED', org: TRT, at: at(1), closesLot: false },
      { type: 'TREATED', org: TRT, at: at(2) },
    ]);
    assert.deepEqual(run(child), []);
  });

  it('the ledger’s recorded custodian must agree with the handovers', () => {
    const l = lot('lot-1', [
      { type: 'GENERATED', org: GEN, at: t0 },
      { type: 'STORED', org: CAR1, at: at(1), custodianBefore: CAR1 },
      { type: 'STORED', org: CAR1, at: at(2), custodianBefore: CAR1 },
    ]);
    assert.deepEqual(
      run(l).map((f) => [f.evidence.kind, f.evidence.recordedCustodianBefore, f.evidence.expectedId]),
      [['RECORDED_CUSTODIAN_MISMATCH', CAR1, GEN]],
    );
    // A mismatched acceptance still moves custody: the acceptor's next event is not a second break.
    const accepted = lot('lot-2', [
      { type: 'GENERATED', org: GEN, at: t0 },
      { type: 'HANDED_OVER', org: GEN, at: at(1), to: CAR1 },
      { type: 'RECEIVED', org: CAR1, at: at(2), custodianBefore: OTHER },
      { type: 'HANDED_OVER', org: CAR1, at: at(3), to: TRT },
    ]);
    assert.deepEqual(
      run(accepted).map((f) => [f.evidence.kind, f.evidence.seq]),
      [['RECORDED_CUSTODIAN_MISMATCH', 3]],
    );
  });

  it('runs twice to the same keys', () => {
    const l = lot('lot-1', [
      { type: 'GENERATED', org: GEN, at: t0 },
      { type: 'STORED', org: CAR1, at: at(1) },
    ]);
    assert.deepEqual(run(l), run(structuredClone(l)));
  });
});

describe('CUSTODY_BREAK on a manifest’s steps', () => {
  const carriers = [
    { organisationId: CAR1, order: 1 },
    { organisationId: CAR2, order: 2 },
  ];
  it('pickup by carrier 1, relay by carrier 2, delivery, receipt and completion by the consignee: none', () => {
    const m = manifest(
      'm-1',
      [
        step('PICKUP', CAR1, at(1)),
        step('RELAY', CAR2, at(3)),
        step('DELIVER', TRT, at(6)),
        step('RECEIVE', TRT, at(8)),
        step('COMPLETE', TRT, at(30)),
      ],
      { carriers },
    );
    assert.deepEqual(manifestStepBreaks(m), []);
    assert.deepEqual(custodyBreak(batch({ manifests: [m] }), profile), []);
  });
  it('the wrong carrier, a relay past the last carrier, a delivery before pickup, a duplicate', () => {
    const wrongRelay = manifest('m-1', [step('PICKUP', CAR1, at(1)), step('RELAY', OTHER, at(2), at(2), 's-relay')], {
      carriers,
    });
    const [f] = custodyBreak(batch({ manifests: [wrongRelay] }), profile);
    assert.equal(f.dedupeKey, 'CUSTODY_BREAK:MANIFEST:m-1:s-relay');
    assert.deepEqual([f.evidence.kind, f.evidence.expectedId], ['STEP_BY_WRONG_PARTY', CAR2]);
    assert.deepEqual(f.organisationIds, [CAR2, GEN, OTHER].sort());

    const beyond = manifest('m-2', [step('PICKUP', CAR1, at(1)), step('RELAY', CAR2, at(2))]);
    assert.deepEqual(
      manifestStepBreaks(beyond).map((b) => b.kind),
      ['RELAY_BEYOND_LAST_CARRIER'],
    );
    const early = manifest('m-3', [step('DELIVER', TRT, at(1)), step('RECEIVE', TRT, at(2))]);
    assert.deepEqual(
      manifestStepBreaks(early).map((b) => b.kind),
      ['STEP_OUT_OF_ORDER'],
    );
    const dup = manifest('m-4', [step('PICKUP', CAR1, at(1)), step('PICKUP', CAR1, at(2))]);
    assert.deepEqual(
      manifestStepBreaks(dup).map((b) => b.kind),
      ['DUPLICATE_STEP'],
    );
    const byCarrier = manifest('m-5', [step('PICKUP', CAR1, at(1)), step('DELIVER', CAR1, at(2))]);
    assert.deepEqual(
      manifestStepBreaks(byCarrier).map((b) => [b.kind, b.expectedId]),
      [['STEP_BY_WRONG_PARTY', TRT]],
    );
  });
});
