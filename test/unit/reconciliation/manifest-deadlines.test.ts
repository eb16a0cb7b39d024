import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { withRule } from '../../../src/reconciliation/domain/rule-profile';
import {
  receiptConfirmationOverdue,
  transitOverdue,
} from '../../../src/reconciliation/domain/rules/manifest-deadlines';
import { CAR1, GEN, HOUR, TRT, after, batch, cst, line, manifest, profile, step } from './builders';

describe('TRANSIT_OVERDUE', () => {
  const pickup = cst('2025-09-01 08:00');
  const inTransit = (lines = [line()]) => manifest('m-1', [step('PICKUP', CAR1, pickup)], { lines });
  const run = (m: ReturnType<typeof manifest>, now: Date, p = profile) =>
    transitOverdue(batch({ manifests: [m] }), p, now);

  it('hazardous waste: exactly 48 h in transit is in time; a millisecond more is overdue', () => {
    assert.deepEqual(run(inTransit(), after(pickup, 48 * HOUR)), []);
    const [f] = run(inTransit(), after(pickup, 48 * HOUR + 1));
    assert.equal(f.dedupeKey, 'TRANSIT_OVERDUE:MANIFEST:m-1');
    assert.equal(f.evidence.limitHours, 48);
    assert.deepEqual(f.organisationIds, [CAR1, GEN, TRT].sort());
  });
  it('medical waste: 24 h', () => {
    const medical = inTransit([line({ declaredCode: '841-001-01' })]);
    assert.deepEqual(run(medical, after(pickup, 24 * HOUR)), []);
    assert.equal(run(medical, after(pickup, 24 * HOUR + 1))[0].evidence.limitHours, 24);
  });
  it('delivery clears it; a late delivery is reported under :late', () => {
    const onTime = manifest('m-1', [step('PICKUP', CAR1, pickup), step('DELIVER', TRT, after(pickup, 47 * HOUR))]);
    assert.deepEqual(run(onTime, after(pickup, 100 * HOUR)), []);
    const late = manifest('m-1', [step('PICKUP', CAR1, pickup), step('DELIVER', TRT, after(pickup, 50 * HOUR))]);
    const [f] = run(late, after(pickup, 100 * HOUR));
    assert.equal(f.dedupeKey, 'TRANSIT_OVERDUE:MANIFEST:m-1:late');
    assert.equal(f.evidence.elapsedHours, 50);
    assert.deepEqual(
      run(late, after(pickup, 100 * HOUR), withRule(profile, 'TRANSIT_OVERDUE', { thresholds: { reportLate: false } })),
      [],
    );
  });
  it('not before pickup, not when cancelled', () => {
    assert.deepEqual(run(manifest('m-1', [], { status: 'SUBMITTED' }), after(pickup, 500 * HOUR)), []);
    assert.deepEqual(
      run(manifest('m-1', [step('PICKUP', CAR1, pickup)], { status: 'CANCELLED' }), after(pickup, 500 * HOUR)),
      [],
    );
  });
});

describe('RECEIPT_CONFIRMATION_OVERDUE: 5 working days (转移办法 Art 18)', () => {
  const delivered = (at: string, receive?: { occurredAt: string | Date; recordedAt: string | Date }) =>
    manifest(
      'm-1',
      [
        step('PICKUP', CAR1, after(at, -3 * HOUR)),
        step('DELIVER', TRT, at),
        ...(receive ? [step('RECEIVE', TRT, receive.occurredAt, receive.recordedAt)] : []),
      ],
      { status: receive ? 'RECEIVED' : 'DELIVERED' },
    );
  const run = (m: ReturnType<typeof manifest>, now: string | Date) =>
    receiptConfirmationOverdue(batch({ manifests: [m] }), profile, new Date(now));

  it('across a weekend: delivered Fri 10:00, deadline the next Fri 24:00 China time', () => {
    const m = delivered(cst('2025-09-05 10:00'));
    assert.deepEqual(run(m, '2025-09-12T16:00:00.000Z'), []);
    const [f] = run(m, '2025-09-12T16:00:00.001Z');
    assert.equal(f.dedupeKey, 'RECEIPT_CONFIRMATION_OVERDUE:MANIFEST:m-1');
    assert.equal(f.evidence.deadline, '2025-09-12T16:00:00.000Z');
    // Saturday 00:00 China time: five working days have elapsed, and the fifth has ended.
    assert.equal(f.evidence.workingDaysElapsed, 5);
    assert.deepEqual(f.organisationIds, [GEN, TRT].sort());
  });
  it('across National Day 2025 with the Saturday make-up day: deadline Tue 10-14', () => {
    const m = delivered(cst('2025-09-30 15:00'));
    // Ten calendar days later, but only three working days: in time.
    assert.deepEqual(run(m, cst('2025-10-10 15:00')), []);
    assert.deepEqual(run(m, '2025-10-14T16:00:00.000Z'), []);
    const [f] = run(m, '2025-10-14T16:00:00.001Z');
    assert.equal(f.evidence.deadline, '2025-10-14T16:00:00.000Z');
    assert.equal(f.evidence.workingDaysElapsed, 6);
  });
  it('a Sunday make-up day counts: delivered Fri 09-26, deadline Fri 10-10', () => {
    const m = delivered(cst('2025-09-26 09:00'));
    assert.deepEqual(run(m, '2025-10-10T16:00:00.000Z'), []);
    assert.equal(run(m, '2025-10-10T16:00:00.001Z').length, 1);
  });
  it('confirmation is judged on server time: recorded at the deadline is in time, after it is late', () => {
    const inTime = delivered(cst('2025-09-05 10:00'), {
      occurredAt: cst('2025-09-08 10:00'),
      recordedAt: '2025-09-12T16:00:00.000Z',
    });
    assert.deepEqual(run(inTime, '2025-09-30T00:00:00Z'), []);
    const backdated = delivered(cst('2025-09-05 10:00'), {
      occurredAt: cst('2025-09-08 10:00'),
      recordedAt: '2025-09-12T16:00:00.001Z',
    });
    const [f] = run(backdated, '2025-09-30T00:00:00Z');
    assert.equal(f.dedupeKey, 'RECEIPT_CONFIRMATION_OVERDUE:MANIFEST:m-1:late');
    assert.equal(f.evidence.status, 'CONFIRMED_LATE');
    assert.equal(f.evidence.confirmedAt, '2025-09-12T16:00:00.001Z');
  });
  it('a device-signed confirmation counts at its signed time (confirmed offline, synced later)', () => {
    const m = manifest(
      'm-1',
      [
        step('PICKUP', CAR1, cst('2025-09-05 07:00')),
        step('DELIVER', TRT, cst('2025-09-05 10:00')),
        { ...step('RECEIVE', TRT, cst('2025-09-08 10:00'), '2025-09-30T00:00:00Z'), deviceSigned: true },
      ],
      { status: 'RECEIVED' },
    );
    assert.deepEqual(run(m, '2025-10-30T00:00:00Z'), []);
  });
  it('not before delivery', () => {
    assert.deepEqual(run(manifest('m-1', [step('PICKUP', CAR1, cst('2025-09-01 08:00'))]), '2025-12-01T00:00:00Z'), []);
  });
});
