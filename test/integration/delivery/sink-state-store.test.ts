import { createSinkStateStore } from '../../../src/delivery/sink-state-store';
import { decideFailure } from '../../../src/delivery/sink-health';
import { testPrefix, testRedisClient } from '../../support/redis';

describe('sink state: when a run of failures began (real Redis)', () => {
  const redis = testRedisClient();
  afterAll(async () => {
    await redis.quit();
  });

  it('dates the run from the earliest failed attempt, whichever attempt fails first', async () => {
    const store = createSinkStateStore(redis, testPrefix('sink-state'));
    // Two attempts in flight: the later one fails first, then the earlier one.
    expect(await store.markFailing('hook', 1_000)).toBe(1_000);
    expect(await store.markFailing('hook', 900)).toBe(900);
    expect(await store.markFailing('hook', 1_500)).toBe(900);
    expect((await store.get('hook')).failingSince).toBe(900);
  });

  it('never dates it before the last success or an enable', async () => {
    const store = createSinkStateStore(redis, testPrefix('sink-state'));
    await store.markFailing('hook', 1_000);
    await store.markHealthy('hook', 2_000);
    expect((await store.get('hook')).failingSince).toBeUndefined();
    // Started before the success, failed after it: the run starts at the success.
    expect(await store.markFailing('hook', 1_500)).toBe(2_000);

    await store.setEnabled('hook');
    const enabledAt = Date.now();
    expect(await store.markFailing('hook', 1_500)).toBeGreaterThanOrEqual(enabledAt - 1_000);
  });

  it('so a sink that only ever fails is disabled, and none of its events is given up', async () => {
    const store = createSinkStateStore(redis, testPrefix('sink-state'));
    // Ten concurrent first attempts that started 0-450 ms apart and fail in reverse order, then
    // every retry fails: whatever the order, the run is no younger than any event's first attempt.
    const firstAttempts = Array.from({ length: 10 }, (_, i) => 10_000 + i * 50);
    const verdicts: string[] = [];
    for (const started of [...firstAttempts].reverse()) await store.markFailing('hook', started);
    for (let now = 10_500; now <= 14_000; now += 250) {
      for (const first of firstAttempts) {
        const failingSinceMs = await store.markFailing('hook', now - 100);
        verdicts.push(
          decideFailure({ nowMs: now, failingSinceMs, eventFirstAttemptMs: first, disableAfterMs: 2_000 }),
        );
      }
    }
    expect(verdicts).not.toContain('give-up-event');
    expect(verdicts).toContain('disable-sink');
  });
});
