import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { chunk, chunkByEvents, EVENTS_PER_LOT } from '../../../src/reconciliation/plan-batches';

describe('plan batches', () => {
  it('lots, institutions and manifests: slices of the batch size', () => {
    assert.deepEqual(chunk([1, 2, 3, 4, 5], 2), [[1, 2], [3, 4], [5]]);
    assert.deepEqual(chunk([], 2), []);
  });

  it('facility months: by count and by the events they weigh, a heavy month alone, order kept', () => {
    const budget = 10 * EVENTS_PER_LOT;
    const p = (id: string, events: number) => ({ id, events });
    assert.deepEqual(
      chunkByEvents([p('a@1', 1), p('a@2', 1), p('a@3', 1)], 2),
      [['a@1', 'a@2'], ['a@3']],
      'no more periods than the batch size',
    );
    assert.deepEqual(
      chunkByEvents([p('a@1', budget / 2), p('a@2', budget / 2), p('b@1', 1), p('c@1', budget * 3), p('d@1', 1)], 10),
      [['a@1', 'a@2'], ['b@1'], ['c@1'], ['d@1']],
    );
    assert.deepEqual(chunkByEvents([], 10), []);
  });
});
