import type { Queue } from 'bullmq';
import type { BenchEnv } from './bench-env';
import { benchPayloads } from './backlog';
import { UNBOUND_LIMITER, type BenchPlan } from './bench-plan';
import { pairedRounds } from './paired-rounds';
import { fmtSpread, num, table, type ScenarioReport } from './report-format';
import { spread } from './stats';
import type { WorkerKind } from './worker-control';

interface OutageFigures {
  /** Recovery to the first profile created after it, ms. */
  drainStartMs: number;
  /** Recovery to the last job's outcome, ms. */
  drainedMs: number;
  /** createprofile calls the sandbox refused during the outage. */
  refusedCalls: number;
  failed: number;
}

async function waitForCompleted(queue: Queue, count: number): Promise<void> {
  while (((await queue.getJobCounts('completed')).completed ?? 0) < count) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * Traffic flows, then the sandbox answers every /rest call 503 (with Retry-After) for the outage's length,
 * then recovers. Measures how soon after recovery the backlog starts to drain and when it is drained.
 */
export async function outageScenario(env: BenchEnv, plan: BenchPlan): Promise<ScenarioReport> {
  const payloads = benchPayloads(plan.outageJobs);
  const warmup = Math.min(100, Math.floor(plan.outageJobs / 10));
  const figures: Record<WorkerKind, OutageFigures[]> = { baseline: [], pipeline: [] };
  let recoveredAt = 0;
  console.log(`outage ${plan.outageMs} ms, ${plan.outageJobs} jobs`);
  await pairedRounds(
    env,
    plan.rounds,
    ['baseline', 'pipeline'],
    () => ({
      payloads,
      concurrency: plan.concurrency,
      limiter: UNBOUND_LIMITER,
      timeoutMs: plan.outageMs + 300_000,
      afterResume: async (queue) => {
        await waitForCompleted(queue, warmup);
        const answer = await env.sandbox.setFaults({ outage: { forMs: plan.outageMs } });
        recoveredAt = Date.now() + (answer.outage?.remainingMs ?? plan.outageMs);
      },
    }),
    async (kind, result) => {
      const [creations, stats] = await Promise.all([env.sandbox.creations(), env.sandbox.stats()]);
      const after = creations.map((c) => Date.parse(c.firstAt)).filter((t) => t >= recoveredAt);
      figures[kind].push({
        drainStartMs: Math.min(...after) - recoveredAt,
        drainedMs: result.lastFinishedAt - recoveredAt,
        refusedCalls: stats.createProfileByStatus['503'] ?? 0,
        failed: result.failed,
      });
    },
  );
  const rows = (['baseline', 'pipeline'] as const).map((kind) => {
    const f = figures[kind];
    return [
      kind,
      fmtSpread(spread(f.map((x) => x.drainStartMs / 1000)), 2, ' s'),
      fmtSpread(spread(f.map((x) => x.drainedMs / 1000)), 1, ' s'),
      fmtSpread(spread(f.map((x) => x.refusedCalls))),
      String(f.reduce((sum, x) => sum + x.failed, 0)),
    ];
  });
  const start = spread(figures.pipeline.map((x) => x.drainStartMs / 1000));
  return {
    title: `Outage of ${num(plan.outageMs / 1000)} s, then recovery (${num(plan.outageJobs)} jobs, 0 ms latency)`,
    targets: [
      {
        target: 'backlog starts draining ≤ 5 s after the sandbox recovers',
        measured: fmtSpread(start, 2, ' s'),
        pass: Math.max(start.median, start.max) <= 5,
      },
    ],
    markdown: [
      table(
        [
          'worker',
          'recovery → first creation',
          'recovery → backlog drained',
          '503s answered during the outage',
          'jobs failed (dead-lettered)',
        ],
        rows,
      ),
      '',
      `The outage starts once ${warmup} jobs have completed; the sandbox answers every /rest call 503 with ` +
        '`Retry-After` (the seconds left). The pipeline runs with its defaults (breaker threshold 5, half-open ' +
        "after 10 s; 503 with Retry-After holds the whole queue); the baseline with `attempts: 8` and BullMQ's " +
        'exponential backoff from 1 s.',
    ].join('\n'),
  };
}
