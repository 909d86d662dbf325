import type { Queue } from 'bullmq';
import { QUEUE_NAMES } from '../../src/queues/queue-names';
import { onboardingQueue, preloadBacklog, waitForOutcomes } from './backlog';
import type { BenchEnv } from './bench-env';
import { readJobTimings, type JobTiming } from './job-timings';
import { cpuMicros } from './proc-status';
import { quantile } from './stats';
import { warmUp } from './warm-up';
import {
  startWorkerProcess,
  type WorkerHandle,
  type WorkerKind,
  type WorkerStats,
  type WorkerSpec,
} from './worker-control';

/** One round: a preloaded backlog drained by one or more worker processes of one kind. */
export interface DrainSpec {
  kind: WorkerKind;
  payloads: Record<string, unknown>[];
  concurrency: number;
  limiter: { max: number; durationMs: number };
  processes?: number;
  /** Upstream latency the sandbox adds to every createprofile (ms). */
  latencyMs?: number;
  /** Called right after the queue is released (e.g. to start an outage once traffic flows). */
  afterResume?: (queue: Queue) => Promise<void>;
  timeoutMs: number;
  cpuProfDir?: string;
  workerEnv?: Record<string, string>;
  /** How the worker is started (see {@link WorkerSpec}); `bench` unless set. */
  entry?: WorkerSpec['entry'];
  /**
   * Jobs each worker process runs first, at 0 ms latency and outside the measured window (see
   * warm-up.ts); 0 or unset starts the clock on cold workers.
   */
  warmUpJobs?: number;
}

/** What one round measured. */
export interface DrainResult {
  jobs: number;
  completed: number;
  failed: number;
  /** When the queue was released (epoch ms). */
  releasedAt: number;
  lastFinishedAt: number;
  jobsPerSecond: number;
  /** finishedOn − max(timestamp, releasedAt): enqueue to outcome, counted from when the job could run. */
  latencyP50: number;
  latencyP99: number;
  /** finishedOn − processedOn of the last attempt: the worker's own time per job. */
  serviceP50: number;
  serviceP99: number;
  /** Highest VmHWM (or sampled RSS) of any worker process, bytes. */
  peakRss: number;
  workerStats: WorkerStats[];
  /** Worker CPU (all processes) per job, µs. */
  workerCpuPerJob: number;
  /** Redis CPU per job over the round, µs (includes the bench's own light polling). */
  redisCpuPerJob: number;
  /** The sandbox's (upstream stand-in's) CPU per job over the round, µs, from /proc (10 ms ticks). */
  sandboxCpuPerJob: number;
  /** Redis commands per job over the round (`INFO commandstats` deltas), by command and in all. */
  redisCommandsPerJob: Record<string, number>;
  redisCommandsTotalPerJob: number;
  /** Redis's own time per job by command, µs (`usec` in `INFO commandstats`; EVALSHA includes its scripts' commands). */
  redisUsecPerJob: Record<string, number>;
  timings: JobTiming[];
}

async function redisCpuMicros(env: BenchEnv): Promise<number> {
  const info = await env.redis.info('cpu');
  const read = (field: string): number => Number(new RegExp(`^${field}:([\\d.]+)`, 'm').exec(info)?.[1] ?? 0);
  return (read('used_cpu_user') + read('used_cpu_sys')) * 1e6;
}

/** Calls and Redis's time (µs) so far of every command (`INFO commandstats`): the scripts a round runs show as EVALSHA. */
async function redisCommandCalls(env: BenchEnv): Promise<Map<string, { calls: number; usec: number }>> {
  const info = await env.redis.info('commandstats');
  const calls = new Map<string, { calls: number; usec: number }>();
  for (const match of info.matchAll(/^cmdstat_([^:]+):calls=(\d+),usec=(\d+)/gm)) {
    calls.set(match[1] as string, { calls: Number(match[2]), usec: Number(match[3]) });
  }
  return calls;
}

type CommandCalls = Awaited<ReturnType<typeof redisCommandCalls>>;

function commandsPerJob(before: CommandCalls, after: CommandCalls, jobs: number) {
  const perJob: Record<string, number> = {};
  const usecPerJob: Record<string, number> = {};
  let total = 0;
  for (const [command, { calls, usec }] of after) {
    const delta = calls - (before.get(command)?.calls ?? 0);
    if (delta <= 0 || command === 'info') continue;
    perJob[command] = delta / jobs;
    usecPerJob[command] = (usec - (before.get(command)?.usec ?? 0)) / jobs;
    total += delta;
  }
  return { perJob, usecPerJob, total: total / jobs };
}

/** Runs one round from a clean Redis and sandbox; stops every worker process it started, also on failure. */
export async function drainRound(env: BenchEnv, spec: DrainSpec): Promise<DrainResult> {
  await env.clean();
  const warmUpJobs = spec.warmUpJobs ?? 0;
  // Warm workers start on an empty paused queue; cold ones find the backlog waiting, as before.
  let queue =
    warmUpJobs > 0
      ? onboardingQueue(env.redis, env.prefix)
      : await preloadBacklog(spec.kind, env.redis, env.prefix, spec.payloads);
  const workers: WorkerHandle[] = [];
  try {
    if (warmUpJobs > 0) await queue.pause();
    for (let i = 0; i < (spec.processes ?? 1); i += 1) {
      workers.push(
        await startWorkerProcess({
          kind: spec.kind,
          redisUrl: env.redisServer.url,
          prefix: env.prefix,
          ropoBaseUrl: env.sandbox.baseUrl,
          concurrency: spec.concurrency,
          limiter: spec.limiter,
          cpuProfDir: spec.cpuProfDir,
          env: spec.workerEnv,
          entry: spec.entry,
        }),
      );
    }
    let cpuAtStart = workers.map(() => 0);
    if (warmUpJobs > 0) {
      await warmUp(env, queue, warmUpJobs * workers.length);
      cpuAtStart = (await Promise.all(workers.map((worker) => worker.stats()))).map((s) => s.cpuMicros);
      await queue.close();
      queue = await preloadBacklog(spec.kind, env.redis, env.prefix, spec.payloads);
    }
    if (spec.latencyMs) await env.sandbox.setFaults({ latency: spec.latencyMs });
    const redisCpuBefore = await redisCpuMicros(env);
    const sandboxCpuBefore = cpuMicros(env.sandbox.pid).total;
    const commandsBefore = await redisCommandCalls(env);
    const releasedAt = Date.now();
    await queue.resume();
    await spec.afterResume?.(queue);
    await waitForOutcomes(queue, spec.payloads.length, spec.timeoutMs);
    const workerStats = await Promise.all(workers.map((worker) => worker.stats()));
    const redisCpu = (await redisCpuMicros(env)) - redisCpuBefore;
    const sandboxCpu = cpuMicros(env.sandbox.pid).total - sandboxCpuBefore;
    const commands = commandsPerJob(commandsBefore, await redisCommandCalls(env), spec.payloads.length);
    const counts = await queue.getJobCounts('completed', 'failed');
    const timings = await readJobTimings(env.redis, env.prefix, QUEUE_NAMES.onboarding);
    const lastFinishedAt = Math.max(...timings.map((t) => t.finishedOn));
    const latencies = timings
      .map((t) => t.finishedOn - Math.max(t.timestamp, releasedAt))
      .sort((a, b) => a - b);
    const service = timings.map((t) => t.finishedOn - t.processedOn).sort((a, b) => a - b);
    return {
      jobs: spec.payloads.length,
      completed: counts.completed ?? 0,
      failed: counts.failed ?? 0,
      releasedAt,
      lastFinishedAt,
      jobsPerSecond: (spec.payloads.length * 1000) / (lastFinishedAt - releasedAt),
      latencyP50: quantile(latencies, 0.5),
      latencyP99: quantile(latencies, 0.99),
      serviceP50: quantile(service, 0.5),
      serviceP99: quantile(service, 0.99),
      peakRss: Math.max(...workerStats.map((s) => s.vmHwm ?? s.peakRssSampled)),
      workerStats,
      workerCpuPerJob:
        workerStats.reduce((sum, s, i) => sum + s.cpuMicros - (cpuAtStart[i] ?? 0), 0) / spec.payloads.length,
      redisCpuPerJob: redisCpu / spec.payloads.length,
      sandboxCpuPerJob: sandboxCpu / spec.payloads.length,
      redisCommandsPerJob: commands.perJob,
      redisCommandsTotalPerJob: commands.total,
      redisUsecPerJob: commands.usecPerJob,
      timings,
    };
  } finally {
    await Promise.all(workers.map((worker) => worker.stop()));
    await queue.close();
  }
}
