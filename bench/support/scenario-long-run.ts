import type { BenchEnv } from './bench-env';
import { benchPayloads } from './backlog';
import { UNBOUND_LIMITER, type BenchPlan } from './bench-plan';
import { drainRound } from './drain-round';
import { mb, num, table, type ScenarioReport } from './report-format';
import type { WorkerKind } from './worker-control';

const RSS_BOUND = 120e6;

/** V8 old-space caps: a deployment setting (NODE_OPTIONS), measured to choose the image's default. */
const HEAP_CAP = '--max-old-space-size=64';
const LOOSE_HEAP_CAP = '--max-old-space-size=96';

interface Variant {
  label: string;
  kind: WorkerKind;
  env?: Record<string, string>;
}

const VARIANTS: Variant[] = [
  { label: 'pipeline, defaults (the target)', kind: 'pipeline' },
  {
    label: `pipeline, NODE_OPTIONS=${LOOSE_HEAP_CAP}`,
    kind: 'pipeline',
    env: { NODE_OPTIONS: LOOSE_HEAP_CAP },
  },
  { label: `pipeline, NODE_OPTIONS=${HEAP_CAP}`, kind: 'pipeline', env: { NODE_OPTIONS: HEAP_CAP } },
  { label: 'baseline, defaults', kind: 'baseline' },
];

async function redisUsedMemory(env: BenchEnv): Promise<number> {
  const info = await env.redis.info('memory');
  return Number(/^used_memory:(\d+)/m.exec(info)?.[1] ?? Number.NaN);
}

/** Highest value in the second half of a run minus the highest in the first half (growth, bytes). */
function secondHalfGrowth(series: number[]): number {
  const half = Math.floor(series.length / 2);
  if (half === 0) return Number.NaN;
  return Math.max(...series.slice(half)) - Math.max(...series.slice(0, half));
}

function atFractions(series: number[]): string {
  return [0.1, 0.25, 0.5, 0.75, 1]
    .map((q) => series[Math.max(0, Math.ceil(q * series.length) - 1)])
    .map((value) => (value === undefined ? 'n/a' : num(value / 1e6)))
    .join(' / ');
}

/**
 * Long runs at 0 ms latency, one worker process each: the pipeline with its defaults (the target: peak
 * RSS under 150 MB), the pipeline with V8's old space capped, and the baseline, with the jobs' own
 * retention (completed jobs kept 30 days, as deployed). The timelines tell a plateau from a leak.
 */
export async function longRunScenario(env: BenchEnv, plan: BenchPlan): Promise<ScenarioReport> {
  const payloads = benchPayloads(plan.longRunJobs);
  const rows: string[][] = [];
  let targetPeak = Number.NaN;
  let targetGrowth = Number.NaN;
  for (const variant of VARIANTS) {
    console.log(`long run, ${plan.longRunJobs} jobs: ${variant.label}`);
    const result = await drainRound(env, {
      kind: variant.kind,
      payloads,
      concurrency: plan.concurrency,
      limiter: UNBOUND_LIMITER,
      timeoutMs: 1_800_000,
      workerEnv: variant.env,
    });
    const redisBytes = await redisUsedMemory(env);
    const stats = result.workerStats[0];
    if (Number.isNaN(targetPeak)) {
      targetPeak = result.peakRss;
      targetGrowth = secondHalfGrowth(stats?.timeline ?? []);
    }
    console.log(
      `  ${num(result.jobsPerSecond)} jobs/s, peak RSS ${mb(result.peakRss)}, failed ${result.failed}`,
    );
    rows.push([
      variant.label,
      num(result.jobsPerSecond),
      num(result.workerCpuPerJob),
      mb(result.peakRss),
      atFractions(stats?.timeline ?? []),
      atFractions(stats?.heapTimeline ?? []),
      `${num(secondHalfGrowth(stats?.timeline ?? []) / 1e6, 1)} MB`,
      mb(redisBytes),
      String(result.failed),
    ]);
  }
  return {
    title: `Worker memory over ${num(plan.longRunJobs)} jobs (0 ms latency, one process, concurrency ${plan.concurrency})`,
    targets: [
      {
        target: `worker peak RSS ≤ 120 MB over ${num(plan.longRunJobs)} jobs, Node defaults`,
        measured: `peak ${mb(targetPeak)}`,
        pass: targetPeak <= RSS_BOUND,
      },
      {
        target: 'no RSS growth between the first and the second half of the run (defaults)',
        measured: `${num(targetGrowth / 1e6, 1)} MB`,
        pass: targetGrowth <= 2e6,
      },
      {
        target: 'same, with heap caps (reported)',
        measured:
          `${LOOSE_HEAP_CAP}: peak ${rows[1]?.[3] ?? 'n/a'}; ${HEAP_CAP}: peak ${rows[2]?.[3] ?? 'n/a'}; ` +
          `baseline with defaults: ${rows[3]?.[3] ?? 'n/a'}`,
        pass: null,
      },
    ],
    markdown: [
      table(
        [
          'worker',
          'jobs/s',
          'worker CPU µs/job',
          'peak RSS (VmHWM)',
          'RSS at 10 / 25 / 50 / 75 / 100% of the run (MB)',
          'V8 heapTotal at the same points (MB)',
          'RSS growth, 2nd half vs 1st (peak)',
          'Redis used_memory after',
          'failed',
        ],
        rows,
      ),
      '',
      "Jobs keep their producers' retention (`removeOnComplete: {age: 30 days}`), as deployed: completed " +
        "jobs and the outcome events stay in Redis, which is Redis's memory, not the worker's.",
    ].join('\n'),
  };
}
