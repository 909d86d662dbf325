import type { Logger } from '../logger';
import type { RedisClient } from '../queues/connection';
import { luaScript } from '../queues/redis-script';

/** Spaces calls to Ropo One evenly across every worker process: one slot each, `intervalMs` apart. */
export interface CallSpacing {
  /** Resolves when this caller's slot has come. */
  acquire(): Promise<void>;
}

// GCRA without burst (lua/reserve-call-slot.lua): each caller reserves the next free slot on the
// Redis clock and is told how long to wait for it (slot − now). Redis read its clock before it
// answered, so a caller that waits that long after the reply can never leave before its slot,
// whatever the two clocks say: no clock model or calibration is needed. Slots never come closer
// than the interval, so no 1 s window (sliding, not just BullMQ's fixed windows) holds more calls
// than the configured rate as long as each leaves within the tolerance after its slot (see acquire).
//
// BullMQ's own limiter (`limiter: {max, duration}` on the Worker) stays configured beside this:
// BullMQ's rate-limiting guide is explicit that a worker honours `queue.rateLimit(ms)` holds (our
// 429 and breaker pauses, DESIGN step 6) only when it has a limiter with `max` set. It also caps
// job starts per fixed window; this spacing is what spreads the calls inside the window.
const RESERVE = luaScript(__dirname, 'reserve-call-slot');

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

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

/**
 * Slots are reserved a few at a time when they are closer than this: one round trip then covers about
 * this many milliseconds of slots (a rate of 1,000/s reserves 4 per trip, 10,000/s 49). Slower rates
 * (the ones tests and most contracts use) reserve one slot per call, as before.
 */
const BATCH_SPAN_MS = 5;

/** Most slots one reservation takes. */
const MAX_BATCH = 64;

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
  const toleranceUs = lateToleranceMs * 1000;
  const perTrip = Math.min(MAX_BATCH, Math.floor((BATCH_SPAN_MS * 1000) / intervalUs));
  if (perTrip >= 2) return batchedSpacing(redis, key, intervalUs, perTrip, lateToleranceMs);
  let lastWarning = 0;
  return {
    async acquire() {
      // How much later than a slot allows this caller has already shown it leaves.
      let shownUs = 0;
      for (let attempt = 0; ; attempt += 1) {
        const final = attempt >= MAX_GIVE_UPS;
        // On its last try a late caller pays for its lateness by pushing the next slot back.
        const pushUs = final ? Math.round(shownUs) : 0;
        const askedAt = performance.now();
        const waitUs = Number(await RESERVE(redis, [key], [intervalUs, pushUs]));
        // Never before the slot: wait that long from the reply (a timer may fire a fraction of a
        // millisecond early, hence the loop).
        const due = performance.now() + waitUs / 1000;
        for (let left = due - performance.now(); left > 0; left = due - performance.now()) {
          await sleep(Math.ceil(left));
        }
        // The slot was no earlier than askedAt + wait, so this is how late the call is, at most,
        // beyond what its push paid for. A caller later than the tolerance (a slow reply, a busy
        // event loop) gives its slot up rather than crowd the next ones, and takes another.
        const lateUs = (performance.now() - askedAt) * 1000 - waitUs - pushUs;
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

/** Slots reserved in one trip, in this process's clock (performance.now(), ms). */
interface SlotBatch {
  /** Slot i may be taken from earliest + i × interval: never before its slot on Redis's clock. */
  earliest: number;
  /** Slot i is at least lateBase + i × interval: leaving later than that plus the tolerance is late. */
  lateBase: number;
  next: number;
  count: number;
}

/**
 * The same slots, reserved `perTrip` at a time: the Redis schedule advances by `perTrip` intervals per
 * reservation, so slots stay `interval` apart across every process, and this process hands them out
 * one per call. A call never leaves before its slot (earliest is reply time + wait) and never later than
 * the tolerance after it (a slot that has gone by is skipped, not crowded into the next ones); unused
 * slots of a batch simply lapse, which costs rate, never the cap.
 */
function batchedSpacing(
  redis: RedisClient,
  key: string,
  intervalUs: number,
  perTrip: number,
  lateToleranceMs: number,
): CallSpacing {
  const intervalMs = intervalUs / 1000;
  let batch: SlotBatch | undefined;
  let reserving: Promise<void> | undefined;

  async function reserve(): Promise<void> {
    const askedAt = performance.now();
    const waitUs = Number(await RESERVE(redis, [key], [intervalUs, 0, perTrip]));
    const repliedAt = performance.now();
    batch = {
      earliest: repliedAt + waitUs / 1000,
      lateBase: askedAt + waitUs / 1000,
      next: 0,
      count: perTrip,
    };
  }

  /** The next slot of the batch that can still be taken in time, or undefined. */
  function take(): { earliest: number; latest: number } | undefined {
    const now = performance.now();
    while (batch && batch.next < batch.count) {
      const i = batch.next;
      batch.next += 1;
      const latest = batch.lateBase + i * intervalMs + lateToleranceMs;
      // Too late for this slot already (a slow caller, a busy event loop): skip it.
      if (latest >= now) return { earliest: batch.earliest + i * intervalMs, latest };
    }
    return undefined;
  }

  return {
    async acquire() {
      for (;;) {
        const slot = take();
        if (!slot) {
          reserving ??= reserve().finally(() => {
            reserving = undefined;
          });
          await reserving;
          continue;
        }
        for (
          let left = slot.earliest - performance.now();
          left > 0;
          left = slot.earliest - performance.now()
        ) {
          await sleep(Math.ceil(left));
        }
        // A timer that fired late can make this slot late too: then take another.
        if (performance.now() <= slot.latest) return;
      }
    },
  };
}
