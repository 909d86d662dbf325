import type { Logger } from '../logger';
import type { RedisClient } from '../queues/connection';
import { redisScript } from '../queues/redis-script';
import { localClockUs, RedisClockOffset } from './redis-clock';

/** Spaces calls to Ropo One evenly across every worker process: one slot each, `intervalMs` apart. */
export interface CallSpacing {
  /** Resolves when this caller's slot has come. */
  acquire(): Promise<void>;
}

// GCRA without burst: each caller reserves the next free slot on the Redis clock (and learns the
// time Redis read, to place that slot on this process's clock). Slots never come closer than the
// interval, and a call never leaves before its slot, so no 1 s window (sliding, not just BullMQ's
// fixed windows) holds more calls than the configured rate as long as each leaves within the
// tolerance after its slot (see acquire).
const RESERVE = redisScript(`
local now = redis.call('TIME')
local nowUs = tonumber(now[1]) * 1000000 + tonumber(now[2])
local interval = tonumber(ARGV[1])
local push = tonumber(ARGV[2])
local stored = redis.call('GET', KEYS[1])
local tat, lastNow = 0, nowUs
if stored then
  local sep = string.find(stored, ':', 1, true)
  if sep then
    tat = tonumber(string.sub(stored, 1, sep - 1))
    lastNow = tonumber(string.sub(stored, sep + 1))
  else
    tat = tonumber(stored)
  end
end
-- Redis's clock stepped back: the schedule moves back with it, or every call would wait the step out.
if nowUs < lastNow then tat = tat - (lastNow - nowUs) end
local slot = math.max(tat, nowUs)
local nextTat = slot + interval + push
redis.call('SET', KEYS[1], string.format('%.0f:%.0f', nextTat, nowUs), 'PX', math.ceil((nextTat - nowUs) / 1000) + 1000)
return { string.format('%.0f', slot), string.format('%.0f', nowUs) }
`);

// Redis's clock on the node that holds the key (in a cluster, another node's clock may differ).
const READ_CLOCK = redisScript(`
local now = redis.call('TIME')
return string.format('%.0f', tonumber(now[1]) * 1000000 + tonumber(now[2]))
`);

/** Lone round trips that place Redis's clock before the first reservation (the best of them counts). */
const CALIBRATION_TRIPS = 3;

/**
 * How late a call may leave after its slot: 1% of the window (10 ms of a second), but at least the
 * 2 ms that whole-millisecond timers may add and at most 10 ms. Slots are spaced so that `max` of them span the
 * window plus twice this, one for a late call and one for the way from here to Ropo One: a sliding
 * window then never holds more than `max` calls (for a 1 s window, 2% under the rate).
 */
function lateToleranceMsFor(durationMs: number): number {
  return Math.min(10, Math.max(2, durationMs * 0.01));
}

/** Slots one caller may give up in a row before it takes a late one anyway (and says so). */
const MAX_GIVE_UPS = 3;

/** At most one warning about late slots per this many ms. */
const WARN_EVERY_MS = 60_000;

/** Creates the spacing for `max` calls per `durationMs`, shared through Redis under `prefix`. */
export function createCallSpacing(
  redis: RedisClient,
  prefix: string,
  rate: { max: number; durationMs: number },
  options: { logger?: Logger } = {},
): CallSpacing {
  const lateToleranceMs = lateToleranceMsFor(rate.durationMs);
  const intervalUs = Math.ceil(((rate.durationMs + 2 * lateToleranceMs) * 1000) / rate.max);
  const key = `${prefix}:onboarding-call-spacing`;
  // Below a tenth of a millisecond between calls the cap is not the bottleneck; skip the round trip.
  if (intervalUs < 100) return { acquire: async () => undefined };
  const clock = new RedisClockOffset();
  const toleranceUs = lateToleranceMs * 1000;
  // Workers start all their callers at once, and a burst of reservations answered together would
  // place Redis's clock loosely; a few lone trips first place it tightly. Their failure is not
  // fatal: the reservations place the clock too.
  let calibration: Promise<void> | undefined;
  const calibrate = async (): Promise<void> => {
    try {
      for (let trip = 0; trip < CALIBRATION_TRIPS; trip++) {
        const askedAt = localClockUs();
        const redisNow = Number(await READ_CLOCK(redis, [key], []));
        clock.sample(askedAt, redisNow, localClockUs());
      }
    } catch {
      calibration = undefined;
    }
  };
  let lastWarning = 0;
  return {
    async acquire() {
      await (calibration ??= calibrate());
      // How much later than a slot allows this caller has already shown it leaves.
      let shownUs = 0;
      for (let attempt = 0; ; attempt += 1) {
        const final = attempt >= MAX_GIVE_UPS;
        // Where Redis's clock is too uncertain to place the slot within half the tolerance, this
        // call pays for it by pushing the next slot back (and on its last try, for its lateness).
        const width = clock.widthUs();
        const pushUs = Math.round(
          (Number.isFinite(width) ? Math.max(0, width - toleranceUs / 2) : 0) + (final ? shownUs : 0),
        );
        const askedAt = localClockUs();
        const [slot, redisNow] = ((await RESERVE(redis, [key], [intervalUs, pushUs])) as string[]).map(
          Number,
        ) as [number, number];
        clock.sample(askedAt, redisNow, localClockUs());
        // Never before the slot: wait until the latest local time it can be (a timer may fire a
        // fraction of a millisecond early, hence the loop).
        const due = clock.latestLocalUs(slot);
        for (let left = due - localClockUs(); left > 0; left = due - localClockUs()) {
          await new Promise((resolve) => setTimeout(resolve, Math.ceil(left / 1000)));
        }
        // How late this call can be, at most, beyond what its push paid for. A caller later than
        // the tolerance gives its slot up rather than crowd the next ones, and takes another.
        const lateUs = localClockUs() - clock.earliestLocalUs(slot) - pushUs;
        if (lateUs <= toleranceUs) return;
        if (final) {
          // Even a slot that paid for the lateness seen so far came too late: go, and say so.
          if (Date.now() - lastWarning >= WARN_EVERY_MS) {
            lastWarning = Date.now();
            options.logger?.warn('call spacing: this process runs too late to keep calls on their slots', {
              lateMs: Math.round(lateUs / 1000),
              toleranceMs: lateToleranceMs,
            });
          }
          return;
        }
        shownUs = Math.max(shownUs, lateUs - toleranceUs);
      }
    },
  };
}
