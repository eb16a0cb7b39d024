import type { ThrottlerStorage } from '@nestjs/throttler';

interface Window {
  /** Expiry times of the hits in the window, oldest first (from `head` on). */
  hits: number[];
  head: number;
  expiresAt: number;
  blockExpiresAt: number;
  isBlocked: boolean;
}

const SWEEP_MS = 60_000;

/**
 * The in-memory throttler storage with the semantics of @nestjs/throttler's
 * ThrottlerStorageService (sliding window of hits, blocking for `blockDuration` once over the
 * limit), at constant cost per request. The stock storage filters the whole hit list and takes
 * `Math.min(...hits)` on every request: O(requests in the window) per request, which at a few
 * thousand requests per second per credential costs more CPU than the request itself. Here the
 * hits of a window expire in the order they were made (the ttl of a key is fixed), so expired
 * hits are dropped from the front and the oldest live hit is the first.
 */
export class SlidingWindowThrottlerStorage implements ThrottlerStorage {
  private readonly windows = new Map<string, Window>();
  private sweeper?: NodeJS.Timeout;

  constructor(private readonly now: () => number = Date.now) {}

  increment(key: string, ttl: number, limit: number, blockDuration: number, throttlerName: string) {
    const now = this.now();
    this.sweeper ??= setInterval(() => this.sweep(), SWEEP_MS).unref();
    const id = `${key}\u0000${throttlerName}`;
    let w = this.windows.get(id);
    if (!w) {
      w = { hits: [], head: 0, expiresAt: now + ttl, blockExpiresAt: 0, isBlocked: false };
      this.windows.set(id, w);
    }
    prune(w, now);
    let timeToExpire = Math.ceil((w.expiresAt - now) / 1000);
    if (timeToExpire <= 0) {
      w.expiresAt = now + ttl;
      timeToExpire = Math.ceil((w.expiresAt - now) / 1000);
    }
    if (blockDuration <= 0) {
      const isBlocked = count(w) >= limit;
      if (!isBlocked) w.hits.push(now + ttl);
      const timeToBlockExpire = count(w) > 0 ? Math.ceil((w.hits[w.head] - now) / 1000) : timeToExpire;
      return Promise.resolve({
        totalHits: count(w) + (isBlocked ? 1 : 0),
        timeToExpire,
        isBlocked,
        timeToBlockExpire: isBlocked ? timeToBlockExpire : 0,
      });
    }
    if (!w.isBlocked) w.hits.push(now + ttl);
    if (count(w) > limit && !w.isBlocked) {
      w.isBlocked = true;
      w.blockExpiresAt = now + blockDuration;
    }
    const timeToBlockExpire = Math.ceil((w.blockExpiresAt - now) / 1000);
    if (timeToBlockExpire <= 0 && w.isBlocked) {
      w.isBlocked = false;
      w.hits = [now + ttl];
      w.head = 0;
    }
    return Promise.resolve({ totalHits: count(w), timeToExpire, isBlocked: w.isBlocked, timeToBlockExpire });
  }

  /** Forgets windows with nothing left in them. */
  sweep(now = this.now()): void {
    for (const [id, w] of this.windows) {
      prune(w, now);
      if ((w.isBlocked && w.blockExpiresAt > now) || w.expiresAt > now || count(w) > 0) continue;
      this.windows.delete(id);
    }
  }

  get size(): number {
    return this.windows.size;
  }
}

function count(w: Window): number {
  return w.hits.length - w.head;
}

function prune(w: Window, now: number): void {
  while (w.head < w.hits.length && w.hits[w.head] <= now) w.head++;
  // Compact once the dead prefix dominates, so that memory stays proportional to live hits.
  if (w.head > 1024 && w.head * 2 > w.hits.length) {
    w.hits = w.hits.slice(w.head);
    w.head = 0;
  }
}
