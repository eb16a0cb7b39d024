/** How a run's or a sweep's subjects are cut into batch jobs (pure). */

/**
 * Events a lot has on average (a manifest's lot: generated, handed over, received, inspected,
 * disposed): a batch of facility months weighs about as much as a batch of lots.
 */
export const EVENTS_PER_LOT = 6;

/** Consecutive slices of at most `size`. */
export function chunk<T>(xs: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += size) out.push(xs.slice(i, i + size));
  return out;
}

/**
 * Facility months, in the order given, in batches of at most `size` periods and about
 * `size × EVENTS_PER_LOT` events (a heavier period goes alone): a facility month reads every lot
 * the facility held, so counting periods alone put a province's busiest months into one long batch.
 */
export function chunkByEvents(periods: ReadonlyArray<{ id: string; events: number }>, size: number): string[][] {
  const budget = size * EVENTS_PER_LOT;
  const out: string[][] = [];
  let current: string[] = [];
  let weight = 0;
  for (const p of periods) {
    if (current.length > 0 && (current.length >= size || weight + p.events > budget)) {
      out.push(current);
      current = [];
      weight = 0;
    }
    current.push(p.id);
    weight += p.events;
  }
  if (current.length > 0) out.push(current);
  return out;
}
