import { createSinkStateStore, type SinkStateStore } from '../../../src/delivery/sink-state-store';
import { decideFailure } from '../../../src/delivery/sink-health';
import { testPrefix, testRedisClient } from '../../support/redis';

const WINDOW_MS = 2_000;

/** The verdict a sink worker reaches for a failed attempt of an event first tried at `firstAttempt`. */
async function verdictFor(store: SinkStateStore, now: number, firstAttempt: number) {
  const { failingSinceMs, eventFailingSinceMs } = await store.markFailing('hook', firstAttempt);
  return decideFailure({
    nowMs: now,
    failingSinceMs,
    eventFirstAttemptMs: eventFailingSinceMs,
    disableAfterMs: WINDOW_MS,
  });
}

describe('sink state: when a run of failures began (real Redis)', () => {
  const redis = testRedisClient();
  afterAll(async () => {
    await redis.quit();
  });

  it("dates the run from the earliest failed event's first attempt, whichever fails first", async () => {
    const store = createSinkStateStore(redis, testPrefix('sink-state'));
    // Two events in flight: the one tried later fails first, then the earlier one.
    expect((await store.markFailing('hook', 1_000)).failingSinceMs).toBe(1_000);
    expect((await store.markFailing('hook', 900)).failingSinceMs).toBe(900);
    expect((await store.markFailing('hook', 1_500)).failingSinceMs).toBe(900);
    expect((await store.get('hook')).failingSince).toBe(900);
  });

  it('never dates it before the last success or an enable', async () => {
    const store = createSinkStateStore(redis, testPrefix('sink-state'));
    await store.markFailing('hook', 1_000);
    await store.markHealthy('hook', 2_000);
    expect((await store.get('hook')).failingSince).toBeUndefined();
    // First tried before the success, failed after it: the run starts at the success.
    expect((await store.markFailing('hook', 1_500)).failingSinceMs).toBe(2_000);

    const before = Date.now();
    await store.setEnabled('hook');
    // An event first tried before the enable counts as failing from the enable, as the sink does.
    const run = await store.markFailing('hook', 1_500);
    expect(run.failingSinceMs).toBeGreaterThanOrEqual(before);
    expect(run.eventFailingSinceMs).toBe(run.failingSinceMs);
    expect((await store.get('hook')).enabledAt).toBe(run.eventFailingSinceMs);
  });

  it('so a sink that only ever fails is disabled, and none of its events is given up', async () => {
    const store = createSinkStateStore(redis, testPrefix('sink-state'));
    // Ten concurrent first attempts that started 0-450 ms apart and fail in reverse order, then
    // every retry fails: whatever the order, the run is no younger than any event's first attempt.
    const firstAttempts = Array.from({ length: 10 }, (_, i) => 10_000 + i * 50);
    const verdicts: string[] = [];
    for (const first of [...firstAttempts].reverse())
      verdicts.push(await verdictFor(store, first + 600, first));
    for (let now = 10_500; now <= 14_000; now += 250) {
      for (const first of firstAttempts) verdicts.push(await verdictFor(store, now, first));
    }
    expect(verdicts).not.toContain('give-up-event');
    expect(verdicts).toContain('disable-sink');
  });

  it('enabled while still broken, it is disabled again and its waiting events are not given up', async () => {
    const store = createSinkStateStore(redis, testPrefix('sink-state'));
    // Events that first failed long ago, when the sink was disabled; an operator enables it now.
    await store.markFailing('hook', 1_000);
    await store.setEnabled('hook');
    const enabledAt = Date.now();
    const verdicts: string[] = [];
    for (let now = enabledAt + 100; now <= enabledAt + 3_000; now += 100) {
      verdicts.push(await verdictFor(store, now, 1_000));
    }
    expect(verdicts).not.toContain('give-up-event');
    expect(verdicts.at(-1)).toBe('disable-sink');
  });

  it('still gives up an event that alone fails for the window while others go through', async () => {
    const store = createSinkStateStore(redis, testPrefix('sink-state'));
    const first = 50_000;
    const verdicts: string[] = [];
    for (let now = first + 500; now <= first + 3_000; now += 500) {
      verdicts.push(await verdictFor(store, now, first));
      await store.markHealthy('hook', now + 10); // another event delivered
    }
    expect(verdicts.at(-1)).toBe('give-up-event');
    expect(verdicts).not.toContain('disable-sink');
  });
});
