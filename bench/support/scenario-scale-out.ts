import type { BenchEnv } from './bench-env';
import { benchPayloads } from './backlog';
import { UNBOUND_LIMITER, type BenchPlan } from './bench-plan';
import type { PairedRounds } from './paired-rounds';
import { pairedRounds, throughputTable } from './paired-rounds';
import { fmtSpread, num, type ScenarioReport } from './report-format';
import { spread } from './stats';
import { warmUpJobsPerProcess } from './warm-up';

/** Two pipeline worker processes against one, at 50 ms upstream latency and concurrency 50 each. */
export async function scaleOutScenario(env: BenchEnv, plan: BenchPlan): Promise<ScenarioReport> {
  const payloads = benchPayloads(plan.scaleOutJobs);
  const byProcesses: Record<1 | 2, PairedRounds> = {
    1: { baseline: [], pipeline: [] },
    2: { baseline: [], pipeline: [] },
  };
  console.log(`scale-out, ${plan.scaleOutJobs} jobs at 50 ms, 1 vs 2 pipeline processes`);
  for (let round = 0; round < plan.rounds; round += 1) {
    const order: (1 | 2)[] = round % 2 === 0 ? [1, 2] : [2, 1];
    for (const processes of order) {
      const result = await pairedRounds(
        env,
        1,
        ['pipeline'],
        () => ({
          payloads,
          processes,
          concurrency: plan.concurrency,
          limiter: UNBOUND_LIMITER,
          warmUpJobs: warmUpJobsPerProcess(),
          latencyMs: 50,
          timeoutMs: 600_000,
        }),
        undefined,
        (line) => console.log(`${line} (${processes} process${processes === 1 ? '' : 'es'})`),
      );
      byProcesses[processes].pipeline.push(...result.pipeline);
    }
  }
  const one = byProcesses[1].pipeline;
  const two = byProcesses[2].pipeline;
  const ratios = spread(two.map((t, i) => t.jobsPerSecond / (one[i]?.jobsPerSecond ?? Number.NaN)));
  return {
    title: `Two pipeline worker processes vs one (${num(plan.scaleOutJobs)} jobs, 50 ms latency, concurrency ${plan.concurrency} each)`,
    targets: [
      {
        target: 'two processes ≥ 1.6 × one',
        measured: `${fmtSpread(ratios, 2)} ×`,
        pass: ratios.median >= 1.6,
      },
    ],
    markdown: [
      '**One process**',
      '',
      throughputTable(byProcesses[1]),
      '',
      '**Two processes** (peak RSS is the larger of the two; CPU per job is both together)',
      '',
      throughputTable(byProcesses[2]),
      '',
      `Two processes / one, paired by round: **${fmtSpread(ratios, 2)} ×** (the bound doubles, from 1,000 to ` +
        '2,000 jobs/s).',
    ].join('\n'),
  };
}
