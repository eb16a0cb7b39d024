import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isTransientConflict, retryTransient } from '../../src/database/transient-retry';

const pgError = (code: string) => Object.assign(new Error(code), { code });

describe('retryTransient', () => {
  it('runs a transaction again after a deadlock or a serialization failure', async () => {
    const codes = ['40P01', '40001'];
    let calls = 0;
    const result = await retryTransient(async () => {
      if (calls < codes.length) throw pgError(codes[calls++]);
      calls++;
      return 'committed';
    });
    assert.equal(result, 'committed');
    assert.equal(calls, 3);
  });

  it('gives up after the last attempt, and never retries other errors', async () => {
    let calls = 0;
    await assert.rejects(
      retryTransient(async () => {
        calls++;
        throw pgError('40P01');
      }, 2),
      /40P01/,
    );
    assert.equal(calls, 2);
    calls = 0;
    await assert.rejects(
      retryTransient(async () => {
        calls++;
        throw pgError('23505');
      }),
      /23505/,
    );
    assert.equal(calls, 1);
    assert.equal(isTransientConflict(new Error('no code')), false);
    assert.equal(isTransientConflict(null), false);
  });
});
