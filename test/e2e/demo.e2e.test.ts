import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runDemo } from '../../scripts/demo';

describe('the district demo (trimmed), end to end through the public API', () => {
  it('raises every injected fault as a flag, and no other flag', async () => {
    const { ok, missing, unexpected, result } = await runDemo({ days: 3 });
    assert.deepEqual(missing, []);
    assert.equal(ok, true);
    assert.deepEqual(unexpected, []);
    assert.ok(result.requests > 200);
  });
});
