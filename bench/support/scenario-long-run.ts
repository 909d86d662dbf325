import type { BenchEnv } from './bench-env';
import { benchPayloads } from './backlog';
import { UNBOUND_LIMITER, type BenchPlan } from './bench-plan';
import { drainRound } from './drain-round';
import { mb, num, table, type ScenarioReport } from './report-format';

const RSS_BOUND = 150e6;

async function redisUsedMemory(env: BenchEnv): Promise<number> {
  const info = await env.redis.info('memory');
  return Number(/^used_memory:(\d+)/m.exec(info)?.[1] ?? Number.NaN);
}

/**
 * One long pipeline run at 0 ms latency with the producer's own job options (completed jobs kept 30 days,
 * as deployed): the worker's peak RSS must stay under 150 MB, and its RSS timeline shows whether it grows.
 */
export async function longRunScenario(env: BenchEnv, plan: BenchPlan): Promise<ScenarioReport> {
  console.log(`long run, ${plan.longRunJobs} jobs through the pipeline`);
  const result = await drainRound(env, {
    kind: 'pipeline',
    payloads: benchPayloads(plan.longRunJobs),
    concurrency: plan.concurrency,
    limiter: UNBOUND_LIMITER,
    timeoutMs: 1_800_000,
  });
  const redisBytes = await redisUsedMemory(env);
  const stats = result.workerStats[0];
  const timeline = stats?.timeline ?? [];
  const points = [0.1, 0.25, 0.5, 0.75, 1].map(
    (q) => timeline[Math.max(0, Math.ceil(q * timeline.length) - 1)],
  );
  console.log(
    `  ${num(result.jobsPerSecond)} jobs/s, peak RSS ${mb(result.peakRss)}, failed ${result.failed}`,
  );
  return {
    title: `Worker memory over ${num(plan.longRunJobs)} jobs (pipeline, 0 ms latency, one process)`,
    targets: [
      {
        target: `worker RSS < 150 MB over ${num(plan.longRunJobs)} jobs`,
        measured: `peak ${mb(result.peakRss)}`,
        pass: result.peakRss < RSS_BOUND,
      },
    ],
    markdown: [
      table(
        [
          'jobs/s',
          'peak RSS (VmHWM)',
          'RSS at 10% / 25% / 50% / 75% / 100% of the run',
          'Redis used_memory after',
          'failed',
        ],
        [
          [
            num(result.jobsPerSecond),
            mb(result.peakRss),
            points.map((p) => (p === undefined ? 'n/a' : mb(p))).join(' / '),
            mb(redisBytes),
            String(result.failed),
          ],
        ],
      ),
      '',
      "Jobs are enqueued with the producer's own options (`removeOnComplete: {age: 30 days}`), as deployed: " +
        "completed jobs and the outcome events stay in Redis, which is Redis's memory, not the worker's.",
    ].join('\n'),
  };
}
