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

/** A little under the rate, for the jitter between a call leaving and Ropo One receiving it. */
const HEADROOM = 0.98;

/** Creates the spacing for `max` calls per `durationMs`, shared through Redis under `prefix`. */
export function createCallSpacing(
  redis: RedisClient,
  prefix: string,
  rate: { max: number; durationMs: number },
): CallSpacing {
  const intervalUs = Math.ceil((rate.durationMs * 1000) / rate.max / HEADROOM);
  const key = `${prefix}:onboarding-call-spacing`;
  // Below a tenth of a millisecond between calls the cap is not the bottleneck; skip the round trip.
  if (intervalUs < 100) return { acquire: async () => undefined };
  return {
    async acquire() {
      for (;;) {
        const waitMs = Number(await RESERVE(redis, [key], [intervalUs]));
        if (waitMs <= 0) return;
        const due = performance.now() + waitMs;
        await new Promise((resolve) => setTimeout(resolve, waitMs));
        // A timer that fired late would send this call right on top of the next slot's call:
        // a caller that overslept by half an interval gives its slot up and takes a new one.
        if (performance.now() - due <= intervalUs / 2000) return;
      }
    },
  };
}
