import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { manifestTrail, type TrailLine, type TrailStep } from '../../../src/audit/domain/manifest-trail';

const lines: TrailLine[] = [
  { lineNo: 1, lotId: 'a', decision: 'ACCEPTED' },
  { lineNo: 2, lotId: 'b', decision: 'REJECTED' },
];
const step = (seq: number, action: string, fromStatus = 'X'): TrailStep => ({
  seq,
  action,
  fromStatus,
  payloadHash: `h${seq}`,
});
const ev = (lotId: string, seq: number, stepHash: string | null) => ({ lotId, seq, type: 'X', stepHash });

describe('manifest trail', () => {
  it('every step wrote one event per expected lot: complete', () => {
    const steps = [step(1, 'submit'), step(2, 'pickup'), step(3, 'complete')];
    const trail = manifestTrail(steps, lines, [
      ev('a', 2, 'h1'),
      ev('b', 2, 'h1'),
      ev('a', 3, 'h2'),
      ev('b', 3, 'h2'),
      ev('a', 4, 'h3'),
    ]);
    assert.equal(trail.complete, true);
    assert.deepEqual(trail.steps[2].expectedLotIds, ['a']); // only the accepted line is completed
  });

  it('a missing event, a duplicate and an event matching no step are reported', () => {
    const steps = [step(1, 'submit'), step(2, 'pickup')];
    const trail = manifestTrail(steps, lines, [
      ev('a', 2, 'h1'),
      ev('a', 3, 'h2'),
      ev('a', 4, 'h2'),
      ev('b', 3, 'h2'),
      ev('b', 9, 'forged'),
    ]);
    assert.equal(trail.complete, false);
    assert.deepEqual(trail.steps[0].missingLotIds, ['b']);
    assert.equal(trail.steps[1].complete, false);
    assert.deepEqual(
      trail.unmatched.map((e) => e.seq),
      [9],
    );
  });

  it('a cancel writes to the lots only if the manifest had been submitted', () => {
    assert.deepEqual(manifestTrail([step(1, 'cancel', 'DRAFT')], lines, []).complete, true);
    const submitted = manifestTrail([step(1, 'cancel', 'SUBMITTED')], lines, []);
    assert.deepEqual(submitted.steps[0].missingLotIds, ['a', 'b']);
  });
});
