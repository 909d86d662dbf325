/**
 * Issue 9: throughput, latency and memory of the full pipeline against the twenty lines a user would
 * write themselves (a BullMQ Worker that POSTs with axios), same Redis, sandbox and concurrency, in the
 * same run. `npm run bench -- pipeline-vs-baseline` writes its section of docs/bench.md (BENCH_QUICK=1 for
 * small counts, BENCH_ONLY=outage,… for some scenarios); `npm run bench:quick` smoke-tests it and only prints.
 */
import fs from 'node:fs';
import path from 'node:path';
import { openBenchEnv } from './support/bench-env';
import { FULL_PLAN, ISSUE_COUNTS, QUICK_PLAN, withOverrides, type BenchPlan } from './support/bench-plan';
import { compileChildEntries } from './support/child-entries';
import { loadAverage, redisVersion } from './support/machine-info';
import { num, table, verdict, type ScenarioReport } from './support/report-format';
import { enqueueScenario } from './support/scenario-enqueue';
import { longRunScenario } from './support/scenario-long-run';
import { outageScenario } from './support/scenario-outage';
import { raceScenario } from './support/scenario-race';
import { rateLimitScenario } from './support/scenario-rate-limit';
import { scaleOutScenario } from './support/scenario-scale-out';
import { latencyScenario, zeroLatencyScenario } from './support/scenario-throughput';
import { warmUpJobsPerProcess } from './support/warm-up';
import type { BenchEnv } from './support/bench-env';
import type { BenchSection } from './run';

const NOTES = path.join(__dirname, 'pipeline-vs-baseline.notes.md');

const SCENARIOS: Record<string, (env: BenchEnv, plan: BenchPlan) => Promise<ScenarioReport>> = {
  'zero-latency': zeroLatencyScenario,
  race: raceScenario,
  'latency-50': (env, plan) => latencyScenario(env, plan, 50),
  'latency-100': (env, plan) => latencyScenario(env, plan, 100),
  'rate-limit': rateLimitScenario,
  outage: outageScenario,
  'scale-out': scaleOutScenario,
  enqueue: enqueueScenario,
  'long-run': longRunScenario,
};

function argValue(name: string): string | undefined {
  const prefix = `--${name}=`;
  return process.argv.find((arg) => arg.startsWith(prefix))?.slice(prefix.length);
}

function setupText(plan: BenchPlan): string {
  return [
    '- **Baseline**: `bench/support/baseline-worker.ts`, a BullMQ `Worker` whose processor is one ' +
      "`axios.post` of the job's payload with a token fetched once at start; jobs added with plain " +
      "`queue.addBulk`, `attempts: 8`, exponential backoff from 1 s and the pipeline's retention.",
    '- **Pipeline**: `createWorker` from `src/workers/onboarding-worker.ts` with `createRopoClient` from ' +
      '`src/ropo` (validation, ledger, shared token cache, events, limiter, breaker), configured by ' +
      '`loadConfig` from the same environment variables as `onboarding worker`, logging JSON at `info` to ' +
      "stdout (sent to /dev/null) as deployed; jobs added with the library producer's `enqueueMany`.",
    `- Same Redis, sandbox, queue and concurrency (${plan.concurrency}) for both; the BullMQ limiter is set ` +
      'to 100,000/s in both for throughput runs (it still runs its code path) and to 200/s in both for the ' +
      'rate-limit run.',
    '- Processes: Redis (`redis-server`, no persistence), the sandbox (`startSandbox` in its own process) and ' +
      'each worker in its own process, compiled by tsc as in the production image and run with plain node; ' +
      'the bench itself only enqueues, releases and polls. The memory run measures `onboarding worker` ' +
      'itself (`node bin/onboarding.js worker` from dist/, no node flags, read from /proc) beside V8-default ' +
      'and other heap settings.',
    '- Payloads: **complete** payloads (`test/support/payloads.ts` `completePayload`, every field, so the ' +
      'sandbox creates the customer), one distinct valid business id per job.',
    '- Each round starts from an empty Redis and a reset sandbox; the worker processes are started and, in the ' +
      `race, 0 ms, 50 ms and scale-out rounds, warmed (${warmUpJobsPerProcess()} jobs each of other business ids ` +
      'at 0 ms, removed afterwards; BENCH_WARMUP_JOBS, 0 for cold workers; the rate-limit, outage and memory runs ' +
      'start cold), the backlog is enqueued into the paused queue, ' +
      'then the queue resumed: jobs/s = jobs / (last `finishedOn` − ' +
      'resume). Enqueue→outcome latency is `finishedOn − max(timestamp, resume)`, so it is mostly the wait ' +
      "in the backlog; `processedOn→finishedOn` is the worker's own time per job.",
    "- Peak RSS: the worker process's `VmHWM` from /proc (it also samples `memoryUsage().rss` every 100 ms). " +
      "CPU per job: the worker process's `process.cpuUsage()` over the measured window, Redis's `used_cpu_*` " +
      "and the sandbox's /proc CPU over the round.",
    `- Rounds: ${plan.rounds} per figure, baseline and pipeline alternating which goes first; the table ` +
      'shows the median and (min–max).',
  ].join('\n');
}

/** What a run measured, before it becomes markdown. */
async function measure(plan: BenchPlan, only: string[] | undefined): Promise<BenchSection> {
  const selected = Object.entries(SCENARIOS).filter(([id]) => !only || only.includes(id));
  const startedAt = Date.now();
  const loadBefore = loadAverage();
  compileChildEntries();
  const env = await openBenchEnv();
  const reports: ScenarioReport[] = [];
  try {
    for (const [, scenario] of selected) reports.push(await scenario(env, plan));
  } finally {
    await env.close();
  }
  const minutes = (Date.now() - startedAt) / 60_000;
  const targets = reports.flatMap((r) => r.targets);
  const notes = fs.existsSync(NOTES) ? fs.readFileSync(NOTES, 'utf8').trim() : '';
  const markdown = [
    (plan.quick
      ? '**Quick mode (`BENCH_QUICK=1`): a smoke test with small counts and one round, not results.** '
      : '') +
      `${num(minutes, 1)} min; ${redisVersion()}. The machine is shared with other engineers' test runs ` +
      `(load average 1/5/15 min ${loadBefore} at the start, ${loadAverage()} at the end), so every target is ` +
      'a ratio or bound measured in the same run, and CPU time per job is given beside wall-clock rates.',
    '',
    `Counts: ${num(plan.zeroLatencyJobs)} jobs at 0 ms (issue: ${num(ISSUE_COUNTS.zeroLatencyJobs)}), ` +
      `${num(plan.latencyJobs)} at 50 ms (issue: ${num(ISSUE_COUNTS.latencyJobs)}), ` +
      `${num(plan.longRunJobs)} for the memory run (issue: ${num(ISSUE_COUNTS.longRunJobs)}); the notes at ` +
      'the end say why.',
    '',
    '### Targets',
    '',
    table(
      ['target', 'measured: median (min–max)', 'result'],
      targets.map((t) => [t.target, t.measured, verdict(t.pass)]),
    ),
    '',
    '### Setup',
    '',
    setupText(plan),
    '',
    ...reports.flatMap((r) => [`### ${r.title}`, '', r.markdown, '']),
    notes,
  ].join('\n');
  return { title: 'Pipeline vs a hand-written BullMQ worker', markdown };
}

function planFromEnvironment(): BenchPlan {
  return withOverrides(
    process.env.BENCH_QUICK === '1' || process.argv.includes('--quick') ? QUICK_PLAN : FULL_PLAN,
  );
}

/** bench/run.ts's entry: every scenario, full counts unless BENCH_QUICK=1; BENCH_ONLY=a,b picks scenarios. */
export async function run(): Promise<BenchSection> {
  return measure(planFromEnvironment(), process.env.BENCH_ONLY?.split(','));
}

// Run directly (`npm run bench:quick`, or with --only=…) it prints and writes nothing.
if (require.main === module) {
  const only = argValue('only')?.split(',') ?? process.env.BENCH_ONLY?.split(',');
  measure(planFromEnvironment(), only)
    .then((section) => {
      console.log(`\n## ${section.title}\n\n${section.markdown}`);
      process.exit(0);
    })
    .catch((error: unknown) => {
      console.error(error);
      process.exit(1);
    });
}
