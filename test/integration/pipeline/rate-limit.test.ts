import { startTestPipeline, type TestPipeline } from '../../support/pipeline-harness';
import { businessIds, minimalPayload } from '../../support/payloads';

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

describe('the global rate toward Ropo One', () => {
  let pipeline: TestPipeline;

  afterEach(async () => {
    await pipeline.close();
  });

  it('never exceeds RATE_LIMIT_MAX calls in any sliding window, across workers, and uses nearly all of it', async () => {
    const rate = 40;
    pipeline = await startTestPipeline({
      env: { RATE_LIMIT_MAX: String(rate), RATE_LIMIT_DURATION_MS: '1000', WORKER_CONCURRENCY: '20' },
    });
    const jobs = 160;
    const results = await pipeline.producer.enqueueMany(
      businessIds(jobs, 9_700_000).map((id) => ({ payload: minimalPayload(id) })),
    );
    await pipeline.waitForAll(
      results.map((r) => r.jobId),
      30_000,
    );

    const times = pipeline.sandbox.creations().map((c) => Date.parse(c.firstAt));
    expect(times).toHaveLength(jobs);
    const busiest = maxInSlidingWindow(times, 1000);
    const spanS = (Math.max(...times) - Math.min(...times)) / 1000;
    const utilisation = (jobs - 1) / spanS / rate;
    process.stdout.write(
      `rate limit: busiest 1 s window ${busiest}/${rate}, utilisation ${(utilisation * 100).toFixed(1)}%\n`,
    );
    expect(busiest).toBeLessThanOrEqual(rate);
    expect(utilisation).toBeGreaterThan(0.9);
  }, 60_000);
});
