import type { BenchEnv } from './bench-env';
import { benchPayloads } from './backlog';
import { UNBOUND_LIMITER, type BenchPlan } from './bench-plan';
import { drainRound, type DrainResult } from './drain-round';
import { mb, num, table, type ScenarioReport } from './report-format';
import type { WorkerKind, WorkerSpec, WorkerStats } from './worker-control';

const RSS_BOUND = 120e6;

// The heap flags bin/onboarding.js gives `onboarding worker` when the operator sets none: one source.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- plain CommonJS beside bin/onboarding.js
const { WORKER_NODE_FLAGS } = require('../../bin/node-flags.js') as { WORKER_NODE_FLAGS: string[] };

/** bin/onboarding.js's switch for Node's own heap sizing (no flags added, no launcher process). */
const V8_DEFAULTS = { ONBOARDING_HEAP_FLAGS: 'off' };

interface Variant {
  id: string;
  label: string;
  kind: WorkerKind;
  entry: NonNullable<WorkerSpec['entry']>;
  env?: Record<string, string>;
}

const PRESETS: Variant[] = [
  {
    id: 'cli',
    label: '`onboarding worker`, no node flags (the target)',
    kind: 'pipeline',
    entry: 'cli',
  },
  {
    id: 'cli-v8',
    label: '`onboarding worker`, ONBOARDING_HEAP_FLAGS=off (V8 defaults)',
    kind: 'pipeline',
    entry: 'cli',
    env: V8_DEFAULTS,
  },
  {
    id: 'cli-old96',
    label: '`onboarding worker`, ONBOARDING_HEAP_FLAGS=off NODE_OPTIONS=--max-old-space-size=96',
    kind: 'pipeline',
    entry: 'cli',
    env: { ...V8_DEFAULTS, NODE_OPTIONS: '--max-old-space-size=96' },
  },
  { id: 'bench', label: 'bench worker-process, V8 defaults', kind: 'pipeline', entry: 'bench' },
  {
    id: 'bench-flags',
    label: `bench worker-process, NODE_OPTIONS=${WORKER_NODE_FLAGS.join(' ')}`,
    kind: 'pipeline',
    entry: 'bench',
    env: { NODE_OPTIONS: WORKER_NODE_FLAGS.join(' ') },
  },
  { id: 'baseline', label: 'baseline, V8 defaults', kind: 'baseline', entry: 'bench' },
];

const DEFAULT_VARIANTS = ['cli', 'cli-v8', 'bench', 'baseline'];

/**
 * BENCH_LONG_VARIANTS=cli,cli-v8,… picks presets (in that order); BENCH_LONG_EXTRA="--a=1 --b=2;--a=3"
 * adds `onboarding worker` runs with exactly those NODE_OPTIONS (ONBOARDING_HEAP_FLAGS=off), to try
 * settings; a leading `NAME=value` word sets that environment variable instead (MALLOC_ARENA_MAX=2 …).
 */
export function longRunVariants(env: NodeJS.ProcessEnv = process.env): Variant[] {
  const ids = env.BENCH_LONG_VARIANTS ? env.BENCH_LONG_VARIANTS.split(',').filter(Boolean) : DEFAULT_VARIANTS;
  const chosen = ids.map((id) => {
    const preset = PRESETS.find((p) => p.id === id);
    if (!preset)
      throw new Error(`BENCH_LONG_VARIANTS: no variant '${id}' (${PRESETS.map((p) => p.id).join(', ')})`);
    return preset;
  });
  const extra = (env.BENCH_LONG_EXTRA ?? '')
    .split(';')
    .map((flags) => flags.trim())
    .filter(Boolean)
    .map((item): Variant => {
      const words = item.split(/\s+/);
      const assignments = words.filter((word) => /^[A-Z_][A-Z0-9_]*=/.test(word));
      const flags = words.filter((word) => !assignments.includes(word)).join(' ');
      return {
        id: `extra:${item}`,
        label: `\`onboarding worker\`, ${[...assignments, `NODE_OPTIONS=${flags}`].join(' ')}`,
        kind: 'pipeline',
        entry: 'cli',
        env: {
          ...V8_DEFAULTS,
          ...Object.fromEntries(assignments.map((word) => word.split(/=(.*)/s).slice(0, 2))),
          NODE_OPTIONS: flags,
        },
      };
    });
  return [...chosen, ...extra];
}

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

const megabytes = (bytes: number | undefined): string => (bytes === undefined ? '—' : num(bytes / 1e6));

function breakdown(stats: WorkerStats | undefined): string {
  const b = stats?.breakdown;
  if (!b) return '—';
  const space = (name: string): string => megabytes(b.spacesAtEnd[name]);
  return (
    `${megabytes(b.heapTotalPeak)} / ${megabytes(b.externalPeak)} / ${megabytes(b.arrayBuffersPeak)}; ` +
    `new ${space('new_space')}, old ${space('old_space')}, code ${space('code_space')}`
  );
}

interface Measured {
  variant: Variant;
  result: DrainResult;
  stats: WorkerStats | undefined;
  growth: number;
  redisBytes: number;
}

/**
 * Long runs at 0 ms latency, one worker process each, with the jobs' own retention (completed jobs kept
 * 30 days, as deployed). The target is `onboarding worker` as it ships (bin/onboarding.js, dist/, no node
 * flags from the operator); beside it the same with V8's own heap sizing, the bench's in-process worker
 * (whose heap breakdown the CLI cannot report without changing what runs), and the baseline. The
 * timelines tell a plateau from a leak.
 */
export async function longRunScenario(env: BenchEnv, plan: BenchPlan): Promise<ScenarioReport> {
  const payloads = benchPayloads(plan.longRunJobs);
  const measured: Measured[] = [];
  for (const variant of longRunVariants()) {
    console.log(`long run, ${plan.longRunJobs} jobs: ${variant.label}`);
    const result = await drainRound(env, {
      kind: variant.kind,
      payloads,
      concurrency: plan.concurrency,
      limiter: UNBOUND_LIMITER,
      timeoutMs: 1_800_000,
      workerEnv: variant.env,
      entry: variant.entry,
    });
    const stats = result.workerStats[0];
    const growth = secondHalfGrowth(stats?.timeline ?? []);
    measured.push({ variant, result, stats, growth, redisBytes: await redisUsedMemory(env) });
    console.log(
      `  ${num(result.jobsPerSecond)} jobs/s, ${num(result.workerCpuPerJob)} µs/job, peak RSS ` +
        `${mb(result.peakRss)}, growth ${num(growth / 1e6, 1)} MB, failed ${result.failed}` +
        (stats?.breakdown ? `; ${breakdown(stats)}` : ''),
    );
  }
  const target = measured.find((m) => m.variant.id === 'cli');
  const v8Defaults = measured.find((m) => m.variant.id === 'cli-v8');
  const targets: ScenarioReport['targets'] = [];
  if (target) {
    targets.push(
      {
        target: `\`onboarding worker\` peak RSS ≤ 120 MB over ${num(plan.longRunJobs)} jobs, no node flags`,
        measured: `peak ${mb(target.result.peakRss)}`,
        pass: target.result.peakRss <= RSS_BOUND,
      },
      {
        target: 'no RSS growth between the first and the second half of the run (same worker)',
        measured: `${num(target.growth / 1e6, 1)} MB`,
        pass: target.growth <= 2e6,
      },
    );
  }
  if (target && v8Defaults) {
    targets.push({
      target: `cost of its heap flags (${WORKER_NODE_FLAGS.join(' ')}) vs V8 defaults, same run (reported)`,
      measured:
        `jobs/s ${num(target.result.jobsPerSecond / v8Defaults.result.jobsPerSecond, 2)} ×, CPU per job ` +
        `${num(target.result.workerCpuPerJob / v8Defaults.result.workerCpuPerJob, 2)} ×; V8 defaults peak ` +
        `${mb(v8Defaults.result.peakRss)}`,
      pass: null,
    });
  }
  return {
    title: `Worker memory over ${num(plan.longRunJobs)} jobs (0 ms latency, one process, concurrency ${plan.concurrency})`,
    targets,
    markdown: [
      table(
        [
          'worker',
          'jobs/s',
          'worker CPU µs/job',
          'peak RSS (VmHWM)',
          'RSS at 10 / 25 / 50 / 75 / 100% of the run (MB)',
          'RSS growth, 2nd half vs 1st (peak)',
          'RssAnon at the end (MB)',
          'peak heapTotal / external / arrayBuffers (MB); V8 spaces at the end',
          'launcher VmHWM / RssAnon (MB)',
          'Redis used_memory after',
          'failed',
        ],
        measured.map(({ variant, result, stats, growth, redisBytes }) => [
          variant.label,
          num(result.jobsPerSecond),
          num(result.workerCpuPerJob),
          mb(result.peakRss),
          atFractions(stats?.timeline ?? []),
          `${num(growth / 1e6, 1)} MB`,
          megabytes(stats?.rssAnon),
          breakdown(stats),
          stats?.launcherVmHwm === undefined
            ? '—'
            : `${megabytes(stats.launcherVmHwm)} / ${megabytes(stats.launcherRssAnon)}`,
          mb(redisBytes),
          String(result.failed),
        ]),
      ),
      '',
      "Jobs keep their producers' retention (`removeOnComplete: {age: 30 days}`), as deployed: completed " +
        "jobs and the outcome events stay in Redis, which is Redis's memory, not the worker's. " +
        '`onboarding worker` runs as `node bin/onboarding.js worker` with ONBOARDING_DIST=1 (dist/, built ' +
        'by the bench first) and is measured from /proc, so nothing is loaded into it; its CPU per job has ' +
        "the clock tick's 10 ms resolution (under 1 µs per job here).",
    ].join('\n'),
  };
}
