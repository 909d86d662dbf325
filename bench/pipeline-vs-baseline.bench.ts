/**
 * Issue 9: throughput, latency and memory of the full pipeline against the twenty lines a user would
 * write themselves (a BullMQ Worker that POSTs with axios), same Redis, sandbox and concurrency, in the
 * same run. `npx tsx bench/pipeline-vs-baseline.bench.ts [--quick] [--only=a,b] [--write]`; BENCH_QUICK=1
 * is --quick. The full run writes its section of docs/bench.md; a quick run only prints unless --write.
 */
import fs from 'node:fs';
import path from 'node:path';
import { writeDocSection } from './support/bench-doc';
import { openBenchEnv } from './support/bench-env';
import { FULL_PLAN, ISSUE_COUNTS, QUICK_PLAN, type BenchPlan } from './support/bench-plan';
import { compileChildEntries } from './support/child-entries';
import { describeMachine, loadAverage } from './support/machine-info';
import { num, table, verdict, type ScenarioReport } from './support/report-format';
import { enqueueScenario } from './support/scenario-enqueue';
import { longRunScenario } from './support/scenario-long-run';
import { outageScenario } from './support/scenario-outage';
import { rateLimitScenario } from './support/scenario-rate-limit';
import { scaleOutScenario } from './support/scenario-scale-out';
import { latencyScenario, zeroLatencyScenario } from './support/scenario-throughput';
import type { BenchEnv } from './support/bench-env';

const SECTION_ID = 'pipeline-vs-baseline';
const NOTES = path.join(__dirname, 'pipeline-vs-baseline.notes.md');

const SCENARIOS: Record<string, (env: BenchEnv, plan: BenchPlan) => Promise<ScenarioReport>> = {
  'zero-latency': zeroLatencyScenario,
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
    '- **Pipeline**: `createWorker` from `workers/onboarding-worker.ts` with `createRopoClient` from ' +
      '`src/ropo` (validation, ledger, shared token cache, events, limiter, breaker), configured by ' +
      '`loadConfig` from the same environment variables as `onboarding worker`, logging JSON at `info` to ' +
      "stdout (sent to /dev/null) as deployed; jobs added with the library producer's `enqueueMany`.",
    `- Same Redis, sandbox, queue and concurrency (${plan.concurrency}) for both; the BullMQ limiter is set ` +
      'to 100,000/s in both for throughput runs (it still runs its code path) and to 200/s in both for the ' +
      'rate-limit run.',
    '- Processes: Redis (`redis-server`, no persistence), the sandbox (`startSandbox` in its own process) and ' +
      'each worker in its own process, compiled by tsc as in the production image and run with plain node; ' +
      'the bench itself only enqueues, releases and polls.',
    '- Payloads: **complete** payloads (`test/support/payloads.ts` `completePayload`, every field, so the ' +
      'sandbox creates the customer), one distinct valid business id per job.',
    '- Each round starts from an empty Redis and a reset sandbox; the backlog is enqueued into a paused ' +
      'queue, the worker process started, then the queue resumed: jobs/s = jobs / (last `finishedOn` − ' +
      'resume). Enqueue→outcome latency is `finishedOn − max(timestamp, resume)`, so it is mostly the wait ' +
      "in the backlog; `processedOn→finishedOn` is the worker's own time per job.",
    "- Peak RSS: the worker process's `VmHWM` from /proc (it also samples `memoryUsage().rss` every 100 ms). " +
      "CPU per job: the worker process's `process.cpuUsage()` since ready, and Redis's `used_cpu_*` over " +
      'the round.',
    `- Rounds: ${plan.rounds} per figure, baseline and pipeline alternating which goes first; the table ` +
      'shows the median and (min–max).',
  ].join('\n');
}

async function main(): Promise<void> {
  const quick = process.env.BENCH_QUICK === '1' || process.argv.includes('--quick');
  const plan = quick ? QUICK_PLAN : FULL_PLAN;
  const only = argValue('only')?.split(',');
  const write = (!quick && !only) || process.argv.includes('--write');
  const selected = Object.entries(SCENARIOS).filter(([id]) => !only || only.includes(id));
  const startedAt = new Date();
  const loadBefore = loadAverage();
  compileChildEntries();
  const env = await openBenchEnv();
  const reports: ScenarioReport[] = [];
  try {
    for (const [, run] of selected) reports.push(await run(env, plan));
  } finally {
    await env.close();
  }
  const minutes = (Date.now() - startedAt.getTime()) / 60_000;
  const targets = reports.flatMap((r) => r.targets);
  const command = `npx tsx bench/pipeline-vs-baseline.bench.ts${quick ? ' --quick' : ''}${only ? ` --only=${only.join(',')}` : ''}`;
  const notes = fs.existsSync(NOTES) ? fs.readFileSync(NOTES, 'utf8').trim() : '';
  const markdown = [
    '## Pipeline vs a hand-written BullMQ worker',
    '',
    `\`${command}\`, ` +
      `${startedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC, ${num(minutes, 1)} min. ` +
      `Machine: ${describeMachine()}; shared with other engineers' test runs (load average 1/5/15 min ` +
      `${loadBefore} at start, ${loadAverage()} at end), so every target is a ratio or bound from the same run.` +
      (quick ? ' **Quick mode: a smoke test with small counts and one round, not results.**' : ''),
    '',
    `Counts: ${num(plan.zeroLatencyJobs)} jobs at 0 ms (issue: ${num(ISSUE_COUNTS.zeroLatencyJobs)}), ` +
      `${num(plan.latencyJobs)} at 50 ms (issue: ${num(ISSUE_COUNTS.latencyJobs)}), ` +
      `${num(plan.longRunJobs)} for the memory run (issue: ${num(ISSUE_COUNTS.longRunJobs)}); see the notes ` +
      'at the end for why.',
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
  console.log(`\n${markdown}`);
  if (write) {
    writeDocSection(SECTION_ID, markdown);
    console.log(`\nwrote its section of docs/bench.md`);
  }
}

main()
  .then(() => process.exit(0))
  .catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
