import { createBackoffStrategy } from '../../../src/pipeline/backoff';

describe('queue backoff between attempts', () => {
  const at = (random: number) => createBackoffStrategy({ baseMs: 1000, maxMs: 60_000, random: () => random });

  it.each([
    [1, 500, 1000],
    [2, 1000, 2000],
    [3, 2000, 4000],
    [7, 30_000, 60_000], // 64 s capped at 60 s
  ])('after attempt %i waits between %i and %i ms (equal jitter)', (attemptsMade, low, high) => {
    const low0 = at(0)(attemptsMade) as number;
    const high1 = at(0.999999)(attemptsMade) as number;
    expect(low0).toBe(low);
    expect(high1).toBeLessThanOrEqual(Math.min(high, 60_000));
    expect(high1).toBeGreaterThan(low0);
  });

  it('never exceeds the cap, however many attempts', () => {
    expect(at(0.999999)(40)).toBeLessThanOrEqual(60_000);
  });

  it("waits at least as long as Ropo One's Retry-After", () => {
    const error = Object.assign(new Error('rate limited'), { retryAfterMs: 30_000 });
    expect(at(0)(1, 'ropo-jittered', error)).toBeGreaterThanOrEqual(30_000);
  });

  it('spreads many jobs failing together over the window', () => {
    const strategy = createBackoffStrategy({ baseMs: 1000, maxMs: 60_000 });
    const delays = new Set(Array.from({ length: 50 }, () => strategy(3)));
    expect(delays.size).toBeGreaterThan(25);
  });
});
