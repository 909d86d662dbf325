import { fork, type ChildProcess } from 'node:child_process';
import { stopChild, track } from './child-registry';
import { childEntry } from './child-entries';
import { startCliWorker } from './cli-worker';
import { waitForMessage } from './sandbox-control';

/** Which worker runs in the child: the hand-written baseline or the full pipeline. */
export type WorkerKind = 'baseline' | 'pipeline';

/** Memory figures a worker process reports (bytes). */
export interface WorkerStats {
  type: 'stats';
  /** Highest `process.memoryUsage().rss` seen by the 100 ms sampler. */
  peakRssSampled: number;
  /** The kernel's VmHWM, or null where /proc is not available. */
  vmHwm: number | null;
  rss: number;
  /** RSS once a second since start, to tell a plateau from a leak. */
  timeline: number[];
  /** V8's heapTotal at the same instants: how much of the RSS is the JavaScript heap. */
  heapTimeline: number[];
  /** User + system CPU since the worker was ready, µs. */
  cpuMicros: number;
  /** The system (kernel) part of it: socket reads and writes, epoll. */
  cpuSystemMicros: number;
  /** Anonymous resident memory at the end (the heap, buffers; not the node binary's mapped pages). */
  rssAnon?: number;
  /** When bin/onboarding.js started the worker as its child: the launcher's own VmHWM and RssAnon. */
  launcherVmHwm?: number;
  launcherRssAnon?: number;
  /** Highest values seen once a second, and V8's space sizes at the end (bench entry only), bytes. */
  breakdown?: {
    heapTotalPeak: number;
    externalPeak: number;
    arrayBuffersPeak: number;
    spacesAtEnd: Record<string, number>;
  };
}

/** How to start one worker process. */
export interface WorkerSpec {
  kind: WorkerKind;
  redisUrl: string;
  prefix: string;
  ropoBaseUrl: string;
  concurrency: number;
  limiter: { max: number; durationMs: number };
  /** Extra environment, e.g. LOG_LEVEL. */
  env?: Record<string, string>;
  /** Directory for `--cpu-prof` output; unset = no profile. */
  cpuProfDir?: string;
  /**
   * `bench` (default): bench/support/worker-process.ts, the worker's modules in a process the bench talks
   * to over IPC. `cli`: `node bin/onboarding.js worker` from dist/, as shipped (pipeline only).
   */
  entry?: 'bench' | 'cli';
}

/** A running worker process. */
export interface WorkerHandle {
  pid: number;
  stats(): Promise<WorkerStats>;
  stop(): Promise<void>;
}

/** Forks bench/support/worker-process.ts with the service's own environment variables; waits until it is ready. */
export async function startWorkerProcess(spec: WorkerSpec): Promise<WorkerHandle> {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: 'development',
    BENCH_WORKER_KIND: spec.kind,
    REDIS_URL: spec.redisUrl,
    QUEUE_PREFIX: spec.prefix,
    ROPO_BASE_URL: spec.ropoBaseUrl,
    ROPO_CID: 'sandbox',
    ROPO_APICODE: 'sandbox-apicode',
    WORKER_CONCURRENCY: String(spec.concurrency),
    RATE_LIMIT_MAX: String(spec.limiter.max),
    RATE_LIMIT_DURATION_MS: String(spec.limiter.durationMs),
    ...spec.env,
  };
  if (spec.entry === 'cli') {
    if (spec.kind !== 'pipeline') throw new Error('only the pipeline has a CLI');
    return startCliWorker(env);
  }
  const profileDir = spec.cpuProfDir ?? process.env.BENCH_CPU_PROF;
  const profile = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}/${spec.kind}`] : [];
  const child: ChildProcess = track(
    fork(childEntry('worker-process'), [], {
      execArgv: profile,
      env,
      // The pipeline logs a JSON line per job at info, as deployed; /dev/null keeps the cost of
      // formatting it without a pipe back to the bench.
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    }),
  );
  await waitForMessage(child, 'ready', 60_000);
  return {
    pid: child.pid ?? -1,
    async stats() {
      const reply = waitForMessage<WorkerStats>(child, 'stats', 10_000);
      child.send({ type: 'stats' });
      return reply;
    },
    async stop() {
      if (child.connected) child.send({ type: 'stop' });
      // SIGKILL only if a clean close hangs; a killed process writes no CPU profile.
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      const timer = setTimeout(() => void stopChild(child, 2_000), 15_000);
      if (child.exitCode === null && child.signalCode === null) await exited;
      clearTimeout(timer);
    },
  };
}
