/** Small statistics helpers: every figure is reported as a median over runs with its spread. */
export function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

export const sortNumbers = (xs: number[]) => [...xs].sort((a, b) => a - b);

export interface Summary {
  median: number;
  min: number;
  max: number;
  runs: number;
}

export function summarise(values: number[]): Summary {
  const s = sortNumbers(values);
  return { median: quantile(s, 0.5), min: s[0], max: s[s.length - 1], runs: s.length };
}

export function latencySummary(latenciesMs: number[]) {
  const s = sortNumbers(latenciesMs);
  return {
    p50: quantile(s, 0.5),
    p90: quantile(s, 0.9),
    p99: quantile(s, 0.99),
    max: s[s.length - 1] ?? NaN,
    n: s.length,
  };
}

export const fmt = (x: number, digits = 1) => (Number.isFinite(x) ? x.toFixed(digits) : '–');
