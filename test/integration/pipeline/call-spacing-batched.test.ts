import { createCallSpacing, type CallSpacing } from '../../../src/pipeline/call-spacing';
import { createRedisConnection } from '../../../src/queues/connection';
import { testPrefix, testRedisUrl } from '../../support/redis';

/** The largest number of call times that fit in any window [t, t + windowMs). */
function maxInSlidingWindow(times: number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let best = 0;
  for (let start = 0, end = 0; start < sorted.length; start += 1) {
    while (end < sorted.length && (sorted[end] as number) < (sorted[start] as number) + windowMs) end += 1;
    best = Math.max(best, end - start);
  }
  return best;
}

// Above a few hundred calls a second the slots are reserved several per round trip; the cap must hold
// exactly as with one slot per trip (test/integration/pipeline/rate-limit.test.ts covers that mode).
describe('call spacing at a high rate (slots reserved several per round trip)', () => {
  it.each([2_000, 5_000])(
    'two processes together stay under %i calls in every sliding second',
    async (rate) => {
      const prefix = testPrefix('spacing-batched');
      const connections = [0, 1].map(() => createRedisConnection(testRedisUrl(), 'worker'));
      try {
        const spacings = connections.map((c) =>
          createCallSpacing(c, prefix, { max: rate, durationMs: 1000 }),
        );
        const times: number[] = [];
        const callers = Math.round(rate * 1.6);
        // 100 callers in flight per process, each calling again as soon as it got through.
        let left = callers;
        await Promise.all(
          Array.from({ length: 200 }, async (_, i) => {
            while (left > 0) {
              left -= 1;
              await (spacings[i % 2] as CallSpacing).acquire();
              times.push(performance.now());
            }
          }),
        );
        expect(times).toHaveLength(callers);
        expect(maxInSlidingWindow(times, 1000)).toBeLessThanOrEqual(rate);
      } finally {
        await Promise.all(connections.map((c) => c.quit()));
      }
    },
  );
});
