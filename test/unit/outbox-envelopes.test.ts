import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MERGE_MAX_ROWS, OUTBOX_IDS_FIELD } from '../../src/queue/job-contracts';
import { envelopes } from '../../src/queue/outbox-relay.service';
import { outboxIdsOf, type ClaimedMessage } from '../../src/queue/outbox.repository';

const row = (id: number, jobName: string, payload: unknown, dispatchCount = 1): ClaimedMessage => ({
  id: String(id),
  jobName,
  payload,
  dispatchCount,
  jobId: null,
});

describe('outbox relay: rows → jobs', () => {
  it('merges fresh rows of a mergeable job into one job listing its rows; others go one by one', () => {
    const jobs = envelopes([
      row(1, 'reconciliation.lots-changed', { lotIds: ['a', 'b'] }),
      row(2, 'maintenance.purge-expired', { idempotencyRetentionHours: 1, outboxRetentionHours: 1 }),
      row(3, 'reconciliation.lots-changed', { lotIds: ['b', 'c'] }),
      row(4, 'reconciliation.lots-changed', { lotIds: ['d'] }, 2),
    ]);
    assert.deepEqual(jobs, [
      {
        name: 'maintenance.purge-expired',
        payload: { idempotencyRetentionHours: 1, outboxRetentionHours: 1 },
        jobId: 'outbox-2',
      },
      // A redispatched row goes alone, under its own id.
      { name: 'reconciliation.lots-changed', payload: { lotIds: ['d'] }, jobId: 'outbox-4' },
      {
        name: 'reconciliation.lots-changed',
        payload: { lotIds: ['a', 'b', 'c'], [OUTBOX_IDS_FIELD]: ['1', '3'] },
        jobId: 'outbox-1+2',
      },
    ]);
    assert.deepEqual(outboxIdsOf(jobs[2].jobId, jobs[2].payload), ['1', '3']);
    assert.deepEqual(outboxIdsOf('outbox-2', {}), ['2']);
    assert.deepEqual(outboxIdsOf('outbox-1+2', {}), []);
    assert.deepEqual(outboxIdsOf('repeat:sweep', {}), []);
  });

  it(`merges at most ${MERGE_MAX_ROWS} rows per job; a lone row keeps its own id`, () => {
    const rows = Array.from({ length: MERGE_MAX_ROWS + 1 }, (_, i) =>
      row(i + 1, 'reconciliation.manifests-changed', { manifestIds: [`m${i}`] }),
    );
    const jobs = envelopes(rows);
    assert.equal(jobs.length, 2);
    assert.equal((jobs[0].payload as { manifestIds: string[] }).manifestIds.length, MERGE_MAX_ROWS);
    assert.deepEqual(jobs[1], {
      name: 'reconciliation.manifests-changed',
      payload: { manifestIds: [`m${MERGE_MAX_ROWS}`] },
      jobId: `outbox-${MERGE_MAX_ROWS + 1}`,
    });
  });
});
