/** Median and spread of a measurement repeated over rounds. */
export interface Spread {
  median: number;
  min: number;
  max: number;
}

/** The value at quantile `q` (0..1) of `sorted` (ascending), nearest-rank. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank] as number;
}

/** Median, min and max of the rounds' values. */
export function spread(values: readonly number[]): Spread {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median =
    sorted.length % 2 === 1
      ? (sorted[mid] as number)
      : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
  return { median, min: sorted[0] ?? Number.NaN, max: sorted[sorted.length - 1] ?? Number.NaN };
}

/** The most events in any window [t, t + windowMs) over ascending times (a sliding window, not fixed buckets). */
export function maxInSlidingWindow(sortedTimes: readonly number[], windowMs: number): number {
  let best = 0;
  let start = 0;
  for (let end = 0; end < sortedTimes.length; end += 1) {
    while ((sortedTimes[end] as number) - (sortedTimes[start] as number) >= windowMs) start += 1;
    best = Math.max(best, end - start + 1);
  }
  return best;
}

/**
 * Mean rate over the whole seconds from the first event: events in [first, first + k s) / k, k = the
 * number of whole seconds the run spans. Counting whole windows keeps a limiter that admits its quota in
 * a burst at the start of each window from looking faster than its rate.
 */
export function meanRatePerSecond(sortedTimes: readonly number[]): number {
  if (sortedTimes.length < 2) return Number.NaN;
  const first = sortedTimes[0] as number;
  const seconds = Math.floor(((sortedTimes[sortedTimes.length - 1] as number) - first) / 1000);
  if (seconds < 1) return Number.NaN;
  const end = first + seconds * 1000;
  return sortedTimes.filter((t) => t < end).length / seconds;
}
