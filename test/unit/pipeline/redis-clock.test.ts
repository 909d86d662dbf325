import { RedisClockOffset } from '../../../src/pipeline/redis-clock';

describe("what a process knows of Redis's clock", () => {
  // Redis's clock is 1,000,000 µs ahead of ours in every case below.
  const ahead = 1_000_000;

  it('places a Redis instant within one round trip of where it is, after a single trip', () => {
    const clock = new RedisClockOffset();
    clock.sample(0, ahead + 300, 1_000); // a 1 ms trip; Redis read its clock 0.3 ms in
    expect(clock.latestLocalUs(ahead + 5_000) - clock.earliestLocalUs(ahead + 5_000)).toBe(1_000);
    // The real local time of that instant is 5,000; the bounds hold it.
    expect(clock.earliestLocalUs(ahead + 5_000)).toBeLessThanOrEqual(5_000);
    expect(clock.latestLocalUs(ahead + 5_000)).toBeGreaterThanOrEqual(5_000);
  });

  it('narrows to the fastest recent trip, whichever side of a slow one was slow', () => {
    const clock = new RedisClockOffset();
    clock.sample(0, ahead + 20_000, 20_100); // slow on the way there (Redis busy)
    clock.sample(30_000, ahead + 30_050, 50_000); // slow on the way back (our event loop busy)
    clock.sample(60_000, ahead + 60_100, 60_200); // fast
    const slot = ahead + 100_000;
    expect(clock.earliestLocalUs(slot)).toBeLessThanOrEqual(100_000);
    expect(clock.latestLocalUs(slot)).toBeGreaterThanOrEqual(100_000);
    // No wider than the fastest trip (200 µs), though the others took 20 ms.
    expect(clock.latestLocalUs(slot) - clock.earliestLocalUs(slot)).toBeLessThanOrEqual(200);
  });

  it('starts over from the newest trip when a clock steps and the bounds contradict each other', () => {
    const clock = new RedisClockOffset();
    clock.sample(0, ahead + 50, 100);
    // Redis's clock stepped 5 s forward.
    clock.sample(1_000, ahead + 5_000_000 + 1_050, 1_100);
    const slot = ahead + 5_000_000 + 2_000;
    expect(clock.earliestLocalUs(slot)).toBeLessThanOrEqual(2_000);
    expect(clock.latestLocalUs(slot)).toBeGreaterThanOrEqual(2_000);
    expect(clock.latestLocalUs(slot) - clock.earliestLocalUs(slot)).toBeLessThanOrEqual(100);
  });

  it('forgets round trips older than 10 s: clocks drift', () => {
    const clock = new RedisClockOffset();
    expect(clock.widthUs()).toBe(Number.POSITIVE_INFINITY);
    clock.sample(0, ahead + 50, 100); // fast
    clock.sample(20_000_000, ahead + 20_000_000 + 2_000, 20_004_000); // 4 ms, 20 s later
    expect(clock.widthUs()).toBe(4_000);
  });
});
