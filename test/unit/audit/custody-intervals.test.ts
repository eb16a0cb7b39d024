import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { custodyTimeline, type CustodyEventInput } from '../../../src/audit/domain/custody-intervals';

const G = 'generator';
const C1 = 'carrier-1';
const C2 = 'carrier-2';
const T = 'treater';

let seq = 0;
const at = (h: number) => new Date(Date.UTC(2024, 5, 1, h)).toISOString();
const ev = (type: string, actor: string, h: number, payload: Record<string, unknown> = {}): CustodyEventInput => ({
  seq: ++seq,
  type,
  occurredAt: at(h),
  actorOrganisationId: actor,
  payload,
});

describe('custody intervals', () => {
  it('a manifest chain gives back-to-back intervals, the offer recorded, ending at disposal', () => {
    seq = 0;
    const m = { manifestId: 'm1' };
    const t = custodyTimeline([
      ev('GENERATED', G, 0),
      ev('STORED', G, 1),
      ev('HANDED_OVER', G, 2, { ...m, toOrganisationId: C1 }),
      ev('RECEIVED', C1, 3, { ...m, fromOrganisationId: G }),
      ev('RECEIVED', C2, 5, { ...m, fromOrganisationId: C1 }),
      ev('RECEIVED', T, 7, { ...m, fromOrganisationId: C2 }),
      ev('INSPECTED', T, 8, m),
      ev('DISPOSED', T, 9, { ...m, remaining: { amount: '0', unit: 'g' } }),
      ev('CORRECTED', T, 10),
    ]);
    assert.deepEqual(
      t.intervals.map((i) => [i.organisationId, i.from, i.to, i.endedBy?.reason]),
      [
        [G, at(0), at(3), 'TRANSFERRED'],
        [C1, at(3), at(5), 'TRANSFERRED'],
        [C2, at(5), at(7), 'TRANSFERRED'],
        [T, at(7), at(9), 'CLOSED'],
      ],
    );
    assert.equal(t.intervals[0].releasedAt, at(2));
    assert.equal(t.intervals[1].startedBy.manifestId, 'm1');
    assert.deepEqual(t.gaps, []);
    assert.deepEqual(t.anomalies, []);
    assert.equal(t.closed, true);
    assert.equal(t.currentCustodianId, null);
  });

  it('a receipt naming another sender ends the custodian at its last act and makes the gap explicit', () => {
    seq = 0;
    const t = custodyTimeline([
      ev('GENERATED', G, 0),
      ev('STORED', G, 4),
      ev('RECEIVED', T, 10, { fromOrganisationId: C1 }),
    ]);
    assert.deepEqual(
      t.intervals.map((i) => [i.organisationId, i.from, i.to, i.endedBy?.reason ?? null]),
      [
        [G, at(0), at(4), 'BREAK'],
        [T, at(10), null, null],
      ],
    );
    assert.equal(t.gaps.length, 1);
    assert.deepEqual(
      { ...t.gaps[0] },
      {
        kind: 'CUSTODY_BREAK',
        from: at(4),
        to: at(10),
        durationMs: 6 * 3_600_000,
        previousOrganisationId: G,
        nextOrganisationId: T,
        namedSenderId: C1,
        seq: 3,
      },
    );
    assert.equal(t.currentCustodianId, T);
  });

  it('a lapsed offer clears releasedAt; events by non-custodians and after closure are anomalies', () => {
    seq = 0;
    const t = custodyTimeline([
      ev('GENERATED', G, 0),
      ev('HANDED_OVER', G, 1, { toOrganisationId: C1 }),
      ev('REJECTED', C1, 2),
      ev('STORED', C2, 3),
      ev('SPLIT', G, 4),
      ev('RECEIVED', C1, 5, { fromOrganisationId: G }),
    ]);
    assert.equal(t.intervals.length, 1);
    assert.equal(t.intervals[0].releasedAt, null);
    assert.equal(t.intervals[0].endedBy?.reason, 'CLOSED');
    assert.deepEqual(
      t.anomalies.map((a) => [a.kind, a.seq, a.actorOrganisationId]),
      [
        ['NOT_CUSTODIAN', 4, C2],
        ['AFTER_CLOSURE', 6, C1],
      ],
    );
  });

  it('a partial disposal (something remaining) does not close the lot', () => {
    seq = 0;
    const t = custodyTimeline([
      ev('GENERATED', T, 0),
      ev('DISPOSED', T, 1, { remaining: { amount: '200', unit: 'g' } }),
    ]);
    assert.equal(t.closed, false);
    assert.equal(t.intervals[0].to, null);
  });

  it('a chain without its genesis is reported', () => {
    seq = 0;
    const t = custodyTimeline([ev('STORED', G, 0)]);
    assert.deepEqual(
      t.anomalies.map((a) => a.kind),
      ['NO_ORIGIN'],
    );
  });
});
