import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { chainTampered, clockAnomaly, orphanLot } from '../../../src/reconciliation/domain/rules/lot-signals';
import { CAR1, DAY, GEN, HOSPITAL, HOUR, after, cst, handedLot, lot, profile } from './builders';

const t0 = cst('2025-09-01 08:00');

describe('ORPHAN_LOT', () => {
  const sitting = () =>
    lot('lot-1', [
      { type: 'GENERATED', org: GEN, at: t0 },
      { type: 'STORED', org: GEN, at: after(t0, 10 * DAY), id: 'ev-last' },
    ]);
  const quiet = after(t0, 10 * DAY);

  it('90 days without an event is not yet orphaned; a millisecond more is', () => {
    assert.deepEqual(orphanLot({ lots: [sitting()] }, profile, after(quiet, 90 * DAY)), []);
    const [f] = orphanLot({ lots: [sitting()] }, profile, after(quiet, 90 * DAY + 1));
    assert.equal(f.dedupeKey, 'ORPHAN_LOT:LOT:lot-1:ev-last');
    assert.equal(f.severity, 'WARNING');
    assert.deepEqual(f.organisationIds, [GEN]);
    assert.equal(f.evidence.lastActivityAt, '2025-09-11T00:00:00.000Z');
  });
  it('medical waste: 72 h', () => {
    const bag = lot('bag-1', [{ type: 'GENERATED', org: HOSPITAL, at: t0 }], {
      generatorId: HOSPITAL,
      wasteCode: '841-001-01',
      medicalClass: 'INFECTIOUS',
    });
    assert.deepEqual(orphanLot({ lots: [bag] }, profile, after(t0, 72 * HOUR)), []);
    assert.equal(orphanLot({ lots: [bag] }, profile, after(t0, 72 * HOUR + 1)).length, 1);
  });
  it('not once shipped, handed over, or treated', () => {
    const later = after(t0, 400 * DAY);
    assert.deepEqual(orphanLot({ lots: [handedLot('lot-1', t0, CAR1)] }, profile, later), []);
    const offered = lot('lot-2', [
      { type: 'GENERATED', org: GEN, at: t0 },
      { type: 'HANDED_OVER', org: GEN, at: t0, to: CAR1 },
    ]);
    assert.deepEqual(orphanLot({ lots: [offered] }, profile, later), []);
    const treated = lot('lot-3', [
      { type: 'GENERATED', org: GEN, at: t0 },
      { type: 'DISPOSED', org: GEN, at: t0 },
    ]);
    assert.deepEqual(orphanLot({ lots: [treated] }, profile, later), []);
  });
});

describe('CLOCK_ANOMALY', () => {
  const withEvent = (occurredAt: Date, recordedAt: Date) =>
    lot('lot-1', [
      { type: 'GENERATED', org: GEN, at: t0 },
      { type: 'STORED', org: GEN, at: occurredAt, recordedAt, id: 'ev-2' },
    ]);
  const recorded = after(t0, 2 * HOUR);

  it('dated 300 s after the server recorded it: tolerated; 301 s: in the future', () => {
    assert.deepEqual(clockAnomaly({ lots: [withEvent(after(recorded, 300_000), recorded)] }, profile), []);
    const [f] = clockAnomaly({ lots: [withEvent(after(recorded, 301_000), recorded)] }, profile);
    assert.equal(f.dedupeKey, 'CLOCK_ANOMALY:LOT:lot-1:ev-2:future');
    assert.equal(f.evidence.kind, 'FUTURE');
    assert.equal(f.evidence.aheadSeconds, 301);
  });
  it('dated before the previous event: flagged; at the same instant: not', () => {
    assert.deepEqual(clockAnomaly({ lots: [withEvent(new Date(t0), recorded)] }, profile), []);
    const [f] = clockAnomaly({ lots: [withEvent(after(t0, -1), recorded)] }, profile);
    assert.equal(f.dedupeKey, 'CLOCK_ANOMALY:LOT:lot-1:ev-2:backward');
    assert.equal(f.evidence.behindSeconds, 0.001);
  });
  it('a future-dated event is not the reference for the next one', () => {
    const l = lot('lot-1', [
      { type: 'GENERATED', org: GEN, at: t0 },
      { type: 'STORED', org: GEN, at: after(t0, 30 * DAY), recordedAt: after(t0, HOUR), id: 'ev-2' },
      { type: 'PACKAGED', org: GEN, at: after(t0, 2 * HOUR), id: 'ev-3' },
    ]);
    assert.deepEqual(
      clockAnomaly({ lots: [l] }, profile).map((f) => f.dedupeKey),
      ['CLOCK_ANOMALY:LOT:lot-1:ev-2:future'],
    );
  });
});

describe('CHAIN_TAMPERED', () => {
  it('a failed verification is critical; a good one raises nothing', () => {
    const verifications = [
      { lotId: 'lot-1', verifiedAt: t0, ok: true, firstFailure: null, failureCount: 0, partyIds: [GEN] },
      {
        lotId: 'lot-2',
        verifiedAt: t0,
        ok: false,
        firstFailure: { seq: 3, eventId: 'ev-3', reason: 'HASH_MISMATCH' },
        failureCount: 2,
        partyIds: [GEN, CAR1],
      },
    ];
    const findings = chainTampered({ chainVerifications: verifications }, profile);
    assert.equal(findings.length, 1);
    assert.equal(findings[0].dedupeKey, 'CHAIN_TAMPERED:LOT:lot-2');
    assert.equal(findings[0].severity, 'CRITICAL');
    assert.deepEqual(findings[0].organisationIds, [CAR1, GEN].sort());
    assert.deepEqual(findings[0].evidence.firstFailure, { seq: 3, eventId: 'ev-3', reason: 'HASH_MISMATCH' });
  });
});
