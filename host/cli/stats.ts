// The one statistics module of urpc's measurements: `urpc bench` (host/cli/bench.ts) and
// `npm run bench` (bench/run.ts) compute their medians and percentiles here, so their p50/p99
// figures are comparable. Percentiles are nearest-rank: the smallest sample with at least p% of
// the samples at or below it (p50 of an even count is the lower middle sample).

/** The p-th percentile (0 < p <= 100) of the samples, nearest-rank; NaN for none. */
export function percentile(xs: readonly number[], p: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
}

/** percentile(xs, 50). */
export function median(xs: readonly number[]): number {
  return percentile(xs, 50);
}
