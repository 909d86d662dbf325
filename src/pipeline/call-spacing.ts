import type { RedisClient } from '../queues/connection';
import { redisScript } from '../queues/redis-script';

/** Spaces calls to Ropo One evenly across every worker process: one slot each, `intervalMs` apart. */
export interface CallSpacing {
  /** Resolves when this caller's slot has come. */
  acquire(): Promise<void>;
}

// GCRA without burst: each caller reserves the next free slot on the Redis clock and is told how
// long to wait for it. Slots never come closer than the interval, so no 1 s window (sliding, not
// just BullMQ's fixed windows) ever holds more calls than the configured rate.
const RESERVE = redisScript(`
local now = redis.call('TIME')
local nowUs = tonumber(now[1]) * 1000000 + tonumber(now[2])
local interval = tonumber(ARGV[1])
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
local slot = math.max(tat, nowUs)
redis.call('SET', KEYS[1], string.format('%.0f', slot + interval), 'PX', math.ceil((slot + interval - nowUs) / 1000) + 1000)
return math.ceil((slot - nowUs) / 1000)
`);

/**
 * 2% under the rate. A sliding window of RATE_LIMIT_DURATION_MS then holds at most the rate even
 * when calls arrive up to 2% of the window after their slot (20 ms of a second), at any rate: half
 * of that is allowed to a late timer (below), half to the way from this process to Ropo One.
 */
const HEADROOM = 0.98;

/** Slots one caller may give up in a row before it takes a late one anyway. */
const MAX_GIVE_UPS = 3;

/** Creates the spacing for `max` calls per `durationMs`, shared through Redis under `prefix`. */
export function createCallSpacing(
  redis: RedisClient,
  prefix: string,
  rate: { max: number; durationMs: number },
): CallSpacing {
  const intervalUs = Math.ceil((rate.durationMs * 1000) / rate.max / HEADROOM);
  const key = `${prefix}:onboarding-call-spacing`;
  const lateToleranceMs = Math.min(10, rate.durationMs * 0.01);
  // Below a tenth of a millisecond between calls the cap is not the bottleneck; skip the round trip.
  if (intervalUs < 100) return { acquire: async () => undefined };
  return {
    async acquire() {
      for (let giveUps = 0; ; giveUps += 1) {
        // The slot is counted from when the reservation left, not when the answer came back: an answer
        // that sat in a busy event loop must not push the call on top of later slots' calls.
        const askedAt = performance.now();
        const waitMs = Number(await RESERVE(redis, [key], [intervalUs]));
        const due = askedAt + waitMs;
        const early = due - performance.now();
        if (early > 0) await new Promise((resolve) => setTimeout(resolve, early));
        // A caller far behind its slot gives it up and takes a new one. Only a few times in a row,
        // though: with Redis answers slower than the tolerance no slot would ever be on time.
        if (performance.now() - due <= lateToleranceMs || giveUps >= MAX_GIVE_UPS) return;
      }
    },
  };
}
