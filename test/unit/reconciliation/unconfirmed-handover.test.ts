import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { evaluate, keysToResolve } from '../../../src/reconciliation/domain/evaluate';
import { withRule } from '../../../src/reconciliation/domain/rule-profile';
import { unconfirmedHandover } from '../../../src/reconciliation/domain/rules/unconfirmed-handover';
import { CAR1, CAR2, GEN, HOUR, after, batch, cst, lot, profile, type EventSpec } from './builders';

const t0 = cst('2025-09-01 08:00');
const handed = after(t0, HOUR);
const base: EventSpec[] = [
  { type: 'GENERATED', org: GEN, at: t0 },
  { type: 'HANDED_OVER', org: GEN, at: handed, to: CAR1, id: 'ho-1' },
];
const run = (specs: EventSpec[], now: Date, p = profile) =>
  unconfirmedHandover(batch({ lots: [lot('lot-1', specs)] }), p, now);

describe('UNCONFIRMED_HANDOVER', () => {
  it('pending exactly 24 h: in time; a millisecond more: flagged', () => {
    assert.deepEqual(run(base, after(handed, 24 * HOUR)), []);
    const [f] = run(base, after(handed, 24 * HOUR + 1));
    assert.equal(f.dedupeKey, 'UNCONFIRMED_HANDOVER:LOT:lot-1:ho-1');
    assert.equal(f.severity, 'WARNING');
    assert.deepEqual(f.organisationIds, [CAR1, GEN].sort());
    assert.equal(f.evidence.status, 'PENDING');
    assert.equal(f.evidence.deadline, '2025-09-02T01:00:00.000Z');
  });
  it('confirmed in time: nothing, and the open flag clears', () => {
    const confirmed = [...base, { type: 'RECEIVED' as const, org: CAR1, at: after(handed, 2 * HOUR) }];
    const now = after(handed, 48 * HOUR);
    assert.deepEqual(run(confirmed, now), []);
    const result = evaluate(batch({ lots: [lot('lot-1', confirmed)] }), profile, now);
    assert.deepEqual(keysToResolve(['UNCONFIRMED_HANDOVER:LOT:lot-1:ho-1'], result), [
      'UNCONFIRMED_HANDOVER:LOT:lot-1:ho-1',
    ]);
  });
  it('confirmed late: reported under a separate key (unless the profile says not to)', () => {
    const late = [...base, { type: 'RECEIVED' as const, org: CAR1, at: after(handed, 30 * HOUR) }];
    const [f] = run(late, after(handed, 48 * HOUR));
    assert.equal(f.dedupeKey, 'UNCONFIRMED_HANDOVER:LOT:lot-1:ho-1:late');
    assert.equal(f.evidence.status, 'CONFIRMED_LATE');
    assert.equal(f.evidence.elapsedHours, 30);
    const quiet = withRule(profile, 'UNCONFIRMED_HANDOVER', { thresholds: { reportLate: false } });
    assert.deepEqual(run(late, after(handed, 48 * HOUR), quiet), []);
  });
  it('a declined handover clears it; a superseded one is not judged', () => {
    const declined = [...base, { type: 'REJECTED' as const, org: CAR1, at: after(handed, 2 * HOUR) }];
    assert.deepEqual(run(declined, after(handed, 48 * HOUR)), []);
    const reissued = [...base, { type: 'HANDED_OVER' as const, org: GEN, at: after(handed, 40 * HOUR), to: CAR2 }];
    assert.deepEqual(run(reissued, after(handed, 48 * HOUR)), []);
  });
});
