import type { BenchEnv } from './bench-env';
import { benchPayloads } from './backlog';
import { UNBOUND_LIMITER, type BenchPlan } from './bench-plan';
import { pairedRounds, throughputRatios, throughputTable } from './paired-rounds';
import { fmtSpread, num, type ScenarioReport } from './report-format';
import { spread } from './stats';
import { warmUpJobsPerProcess } from './warm-up';

/** 0 ms upstream latency: the pipeline's own cost per job against the hand-written worker's. */
export async function zeroLatencyScenario(env: BenchEnv, plan: BenchPlan): Promise<ScenarioReport> {
  const payloads = benchPayloads(plan.zeroLatencyJobs);
  console.log(`0 ms latency, ${plan.zeroLatencyJobs} jobs, concurrency ${plan.concurrency}`);
  const results = await pairedRounds(env, plan.rounds, ['baseline', 'pipeline'], () => ({
    payloads,
    concurrency: plan.concurrency,
    limiter: UNBOUND_LIMITER,
    warmUpJobs: warmUpJobsPerProcess(),
    timeoutMs: 600_000,
  }));
  const ratios = spread(throughputRatios(results));
  const cpuRatio =
    spread(results.pipeline.map((s) => s.workerCpuPerJob)).median /
    spread(results.baseline.map((s) => s.workerCpuPerJob)).median;
  return {
    title: `Throughput at 0 ms upstream latency (${num(plan.zeroLatencyJobs)} jobs, concurrency ${plan.concurrency})`,
    targets: [
      {
        target: 'pipeline jobs/s ≥ 0.90 × baseline at 0 ms latency',
        measured: `${fmtSpread(ratios, 2)} ×`,
        pass: ratios.median >= 0.9,
      },
    ],
    markdown: [
      throughputTable(results),
      '',
      `Pipeline / baseline jobs/s, paired by round: **${fmtSpread(ratios, 2)}**. ` +
        `Worker CPU per job, pipeline / baseline: ${num(cpuRatio, 2)} ×.`,
    ].join('\n'),
  };
}

/** 50 ms upstream latency at a given concurrency: how close each worker gets to Little's law's bound. */
export async function latencyScenario(
  env: BenchEnv,
  plan: BenchPlan,
  concurrency: number,
): Promise<ScenarioReport & { bound: number; pipelineMedian: number }> {
  const payloads = benchPayloads(plan.latencyJobs);
  const bound = concurrency / 0.05;
  console.log(`50 ms latency, ${plan.latencyJobs} jobs, concurrency ${concurrency}`);
  const results = await pairedRounds(env, plan.rounds, ['baseline', 'pipeline'], () => ({
    payloads,
    concurrency,
    limiter: UNBOUND_LIMITER,
    warmUpJobs: warmUpJobsPerProcess(),
    latencyMs: 50,
    timeoutMs: 600_000,
  }));
  const pipeline = spread(results.pipeline.map((s) => s.jobsPerSecond));
  const baseline = spread(results.baseline.map((s) => s.jobsPerSecond));
  const share = (s: { median: number; min: number; max: number }) => ({
    median: s.median / bound,
    min: s.min / bound,
    max: s.max / bound,
  });
  return {
    bound,
    pipelineMedian: pipeline.median,
    title: `Throughput at 50 ms upstream latency (${num(plan.latencyJobs)} jobs, concurrency ${concurrency})`,
    targets: [
      concurrency === 50
        ? {
            target: `pipeline ≥ baseline's share of Little's bound (${num(bound)} jobs/s) at 50 ms, concurrency 50`,
            measured: `${fmtSpread(share(pipeline), 2)} of the bound; baseline ${fmtSpread(share(baseline), 2)}`,
            pass: pipeline.median >= baseline.median,
          }
        : {
            target: `pipeline ≥ baseline's share of Little's bound (${num(bound)} jobs/s) at 50 ms, concurrency ${concurrency}`,
            measured: `${fmtSpread(share(pipeline), 2)} of the bound; baseline ${fmtSpread(share(baseline), 2)}`,
            pass: pipeline.median >= baseline.median,
          },
    ],
    markdown: [
      throughputTable(results),
      '',
      `Little's law bound: ${concurrency} in flight / 0.05 s = ${num(bound)} jobs/s. ` +
        `Pipeline reaches ${fmtSpread(share(pipeline), 2)} of it, the baseline ${fmtSpread(share(baseline), 2)}.`,
    ].join('\n'),
  };
}
