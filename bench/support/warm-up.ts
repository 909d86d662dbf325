import type { Queue } from 'bullmq';
import { businessIds, completePayload } from '../../test/support/payloads';
import { enqueueThroughProducer } from './backlog';
import type { BenchEnv } from './bench-env';

/** Business ids of warm-up jobs start here, far from the measured backlogs' (2,000,000 on). */
const WARM_UP_IDS_FROM = 6_000_000;
const POLL_MS = 50;

/**
 * Jobs each worker process runs before a measured window (BENCH_WARMUP_JOBS; 0 switches warming off).
 * A deployed worker runs for days: what users compare is its warm rate, not the first seconds in
 * which V8 is still compiling the larger pipeline's code.
 */
export function warmUpJobsPerProcess(env: NodeJS.ProcessEnv = process.env): number {
  const value = Number(env.BENCH_WARMUP_JOBS);
  return Number.isInteger(value) && value >= 0 && env.BENCH_WARMUP_JOBS !== '' ? value : 2_000;
}

async function waitFor(check: () => Promise<boolean>, what: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`warm-up: ${what} not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/**
 * Runs `count` jobs of their own (distinct business ids, so they take the same path as the measured
 * ones) through the workers already started on the paused `queue`, then pauses it again once nothing
 * is active and removes those jobs, so the measured window starts from an empty, paused queue.
 */
export async function warmUp(env: BenchEnv, queue: Queue, count: number, timeoutMs = 300_000): Promise<void> {
  if (count <= 0) return;
  const payloads = businessIds(count, WARM_UP_IDS_FROM).map((id) => completePayload(id));
  await enqueueThroughProducer(env.redis, env.prefix, payloads);
  await queue.resume();
  await waitFor(
    async () => {
      const counts = await queue.getJobCounts('completed', 'failed');
      return (counts.completed ?? 0) + (counts.failed ?? 0) >= count;
    },
    `${count} jobs done`,
    timeoutMs,
  );
  await queue.pause();
  await waitFor(async () => (await queue.getActiveCount()) === 0, 'no job active', timeoutMs);
  await queue.clean(0, 0, 'completed');
  await queue.clean(0, 0, 'failed');
}
