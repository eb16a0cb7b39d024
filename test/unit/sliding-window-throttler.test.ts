import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ThrottlerStorageService } from '@nestjs/throttler';
import fc from 'fast-check';
import { SlidingWindowThrottlerStorage } from '../../src/auth/sliding-window-throttler.storage';

describe('SlidingWindowThrottlerStorage', () => {
  it('answers exactly as @nestjs/throttler’s ThrottlerStorageService for any sequence of hits (property)', async () => {
    const step = fc.record({
      key: fc.constantFrom('a', 'b'),
      advanceMs: fc.integer({ min: 0, max: 700 }),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.array(step, { minLength: 1, maxLength: 120 }),
        fc.integer({ min: 1, max: 6 }),
        fc.constantFrom(0, 1_000, 2_500),
        async (steps, limit, blockDuration) => {
          let now = 1_000_000;
          const realNow = Date.now;
          Date.now = () => now;
          const stock = new ThrottlerStorageService();
          const ours = new SlidingWindowThrottlerStorage(() => now);
          try {
            for (const s of steps) {
              now += s.advanceMs;
              const expected = await stock.increment(s.key, 2_000, limit, blockDuration, 'default');
              const actual = await ours.increment(s.key, 2_000, limit, blockDuration, 'default');
              assert.deepEqual(actual, expected);
            }
          } finally {
            Date.now = realNow;
            stock.onApplicationShutdown();
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('costs the same per request however many hits the window holds, and forgets idle windows', async () => {
    let now = 0;
    const storage = new SlidingWindowThrottlerStorage(() => now);
    for (let i = 0; i < 200_000; i++) {
      now += 1;
      await storage.increment(`k${i % 2}`, 10_000, 1e9, 10_000, 'default');
    }
    const t0 = performance.now();
    for (let i = 0; i < 10_000; i++) await storage.increment('k0', 10_000, 1e9, 10_000, 'default');
    assert.ok(performance.now() - t0 < 500, 'O(1) per request');
    now += 60_000;
    storage.sweep();
    assert.equal(storage.size, 0);
  });
});
