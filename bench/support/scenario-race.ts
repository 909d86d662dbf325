import type { BenchEnv } from './bench-env';
import type { Queue } from 'bullmq';
import { benchPayloads, onboardingQueue, preloadBacklog, waitForOutcomes } from './backlog';
import { UNBOUND_LIMITER, type BenchPlan } from './bench-plan';
import { fmtSpread, num, table, type ScenarioReport } from './report-format';
import { spread } from './stats';
import { warmUp, warmUpJobsPerProcess } from './warm-up';
import { startWorkerProcess, type WorkerHandle, type WorkerKind, type WorkerStats } from './worker-control';

const CHUNK = 5_000;

/** Completed jobs by who ran them: the pipeline's result carries an `outcome`, the baseline's is Ropo's answer. */
async function completedBy(env: BenchEnv): Promise<Record<WorkerKind, number>> {
  const base = `${env.prefix}:onboarding`;
  const ids = await env.redis.zrange(`${base}:completed`, 0, -1);
  const counts: Record<WorkerKind, number> = { baseline: 0, pipeline: 0 };
  for (let i = 0; i < ids.length; i += CHUNK) {
    const pipeline = env.redis.pipeline();
    for (const id of ids.slice(i, i + CHUNK)) pipeline.hget(`${base}:${id}`, 'returnvalue');
    for (const [, reply] of (await pipeline.exec()) ?? []) {
      counts[typeof reply === 'string' && reply.includes('"outcome"') ? 'pipeline' : 'baseline'] += 1;
    }
  }
  return counts;
}

async function workerStats(workers: Partial<Record<WorkerKind, WorkerHandle>>) {
  return {
    baseline: await (workers.baseline as WorkerHandle).stats(),
    pipeline: await (workers.pipeline as WorkerHandle).stats(),
  };
}

/** CPU a worker spent between two of its stats answers, µs. */
function cpuBetween(before: WorkerStats, after: WorkerStats): { cpuMicros: number; cpuSystemMicros: number } {
  return {
    cpuMicros: after.cpuMicros - before.cpuMicros,
    cpuSystemMicros: after.cpuSystemMicros - before.cpuSystemMicros,
  };
}

/**
 * Both workers drain one backlog at the same time, each in its own process with the same concurrency:
 * whatever else the machine runs falls on both alike within the same second, so the share of jobs each
 * completes is the throughput ratio with most of the shared machine's noise taken out. At 0 ms latency
 * both are CPU-bound, so the share is close to the inverse ratio of their CPU per job.
 */
export async function raceScenario(env: BenchEnv, plan: BenchPlan): Promise<ScenarioReport> {
  const payloads = benchPayloads(plan.zeroLatencyJobs);
  console.log(`race at 0 ms latency, ${plan.zeroLatencyJobs} jobs, concurrency ${plan.concurrency} each`);
  const ratios: number[] = [];
  const cpu: Record<WorkerKind, number[]> = { baseline: [], pipeline: [] };
  const rows: string[][] = [];
  const warmUpJobs = warmUpJobsPerProcess();
  for (let round = 0; round < plan.rounds; round += 1) {
    await env.clean();
    const control = onboardingQueue(env.redis, env.prefix);
    await control.pause();
    const order: WorkerKind[] = round % 2 === 0 ? ['baseline', 'pipeline'] : ['pipeline', 'baseline'];
    const workers: Partial<Record<WorkerKind, WorkerHandle>> = {};
    let queue: Queue | undefined;
    try {
      for (const kind of order) {
        workers[kind] = await startWorkerProcess({
          kind,
          redisUrl: env.redisServer.url,
          prefix: env.prefix,
          ropoBaseUrl: env.sandbox.baseUrl,
          concurrency: plan.concurrency,
          limiter: UNBOUND_LIMITER,
        });
      }
      await warmUp(env, control, warmUpJobs * 2);
      const before = await workerStats(workers);
      queue = await preloadBacklog('pipeline', env.redis, env.prefix, payloads);
      const startedAt = Date.now();
      await queue.resume();
      await waitForOutcomes(queue, payloads.length, 900_000);
      const seconds = (Date.now() - startedAt) / 1000;
      const by = await completedBy(env);
      const after = await workerStats(workers);
      const stats = {
        baseline: cpuBetween(before.baseline, after.baseline),
        pipeline: cpuBetween(before.pipeline, after.pipeline),
      };
      const ratio = by.pipeline / by.baseline;
      ratios.push(ratio);
      for (const kind of ['baseline', 'pipeline'] as const) cpu[kind].push(stats[kind].cpuMicros / by[kind]);
      const line = [
        String(round + 1),
        order[0] as string,
        num(by.baseline),
        num(by.pipeline),
        num(ratio, 2),
        `${num(stats.baseline.cpuMicros / by.baseline)} (${num(stats.baseline.cpuSystemMicros / by.baseline)})`,
        `${num(stats.pipeline.cpuMicros / by.pipeline)} (${num(stats.pipeline.cpuSystemMicros / by.pipeline)})`,
        num(payloads.length / seconds),
      ];
      rows.push(line);
      console.log(`  race round ${line.join(' | ')}`);
    } finally {
      await Promise.all(Object.values(workers).map((worker) => worker.stop()));
      await queue?.close();
      await control.close();
    }
  }
  const ratio = spread(ratios);
  const cpuRatio = spread(cpu.pipeline.map((p, i) => p / (cpu.baseline[i] as number)));
  return {
    title: `Race: both workers on one backlog at once (${num(plan.zeroLatencyJobs)} jobs, 0 ms, concurrency ${plan.concurrency} each)`,
    targets: [
      {
        target: 'race: pipeline jobs ≥ 0.90 × baseline jobs over the same window (0 ms)',
        measured: `${fmtSpread(ratio, 2)} ×`,
        pass: ratio.median >= 0.9,
      },
    ],
    markdown: [
      table(
        [
          'round',
          'started first',
          'jobs by baseline',
          'jobs by pipeline',
          'pipeline / baseline',
          'baseline CPU µs/job (kernel part)',
          'pipeline CPU µs/job (kernel part)',
          'both, jobs/s',
        ],
        rows,
      ),
      '',
      `Pipeline / baseline jobs in the same window: **${fmtSpread(ratio, 2)}**; worker CPU per job, ` +
        `pipeline / baseline: ${fmtSpread(cpuRatio, 2)}. ` +
        (warmUpJobs > 0
          ? `Warm workers: before each window both ran ${num(warmUpJobs * 2)} jobs of their own between them ` +
            '(other business ids, removed before the window; BENCH_WARMUP_JOBS per worker, 0 for none), ' +
            "and the CPU is the window's alone."
          : 'Cold workers (BENCH_WARMUP_JOBS=0): the window starts as they do.'),
    ].join('\n'),
  };
}
