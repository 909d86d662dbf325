import type { Queue } from 'bullmq';
import { waitFor } from '../../test/support/wait-for';
import { benchPayloads, enqueueThroughProducer, waitForOutcomes } from './backlog';
import type { BenchEnv } from './bench-env';

/** Business ids of warm-up jobs start here, far from the measured backlogs' (2,000,000 on). */
const WARM_UP_IDS_FROM = 6_000_000;

/**
 * Jobs each worker process runs before a measured window (BENCH_WARMUP_JOBS; 0 switches warming off).
 * A deployed worker runs for days: what users compare is its warm rate, not the first seconds in
 * which V8 is still compiling the larger pipeline's code.
 */
export function warmUpJobsPerProcess(env: NodeJS.ProcessEnv = process.env): number {
  const value = Number(env.BENCH_WARMUP_JOBS);
  return Number.isInteger(value) && value >= 0 && env.BENCH_WARMUP_JOBS !== '' ? value : 2_000;
}

/**
 * Runs `count` jobs of their own (distinct business ids, so they take the same path as the measured
 * ones) through the workers already started on the paused `queue`, then pauses it again once nothing
 * is active and removes those jobs, so the measured window starts from an empty, paused queue.
 */
export async function warmUp(env: BenchEnv, queue: Queue, count: number, timeoutMs = 300_000): Promise<void> {
  if (count <= 0) return;
  await enqueueThroughProducer(env.redis, env.prefix, benchPayloads(count, WARM_UP_IDS_FROM));
  await queue.resume();
  await waitForOutcomes(queue, count, timeoutMs);
  await queue.pause();
  await waitFor(async () => (await queue.getActiveCount()) === 0, timeoutMs);
  await queue.clean(0, 0, 'completed');
  await queue.clean(0, 0, 'failed');
}
