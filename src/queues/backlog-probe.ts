import type { Queue } from 'bullmq';

/** Whether a way in should take no more jobs because too many wait already. */
export interface BacklogProbe {
  /** Resolves to the current backlog when it is at or above the limit, else `undefined`. */
  overLimit(): Promise<number | undefined>;
  /** The backlog (waiting, delayed, prioritized), as last read: at most `ttlMs` old. */
  backlog(): Promise<number>;
}

/**
 * Reads the onboarding queue's backlog (waiting, delayed, prioritized) at most once per `ttlMs`, so
 * backpressure costs one Redis call a second however many requests or batches arrive; the limit is
 * soft by what arrives within that second (and, for a bridge, the batches it has in flight).
 * `maxBacklog` 0 is off. The HTTP intake and the broker bridges share it.
 */
export function createBacklogProbe(queue: Queue, maxBacklog: number, ttlMs = 1000): BacklogProbe {
  // Ages on the monotonic clock: a wall clock stepped back would keep a stale count fresh that long.
  let cached: { value: number; at: number } | undefined;
  let inFlight: Promise<number> | undefined;
  const read = async (): Promise<number> => {
    if (cached && performance.now() - cached.at < ttlMs) return cached.value;
    inFlight ??= queue
      .getJobCountByTypes('waiting', 'delayed', 'prioritized')
      .then((value) => {
        cached = { value, at: performance.now() };
        return value;
      })
      .finally(() => {
        inFlight = undefined;
      });
    return inFlight;
  };
  return {
    async overLimit() {
      if (maxBacklog <= 0) return undefined;
      const backlog = await read();
      return backlog >= maxBacklog ? backlog : undefined;
    },
    backlog: read,
  };
}
