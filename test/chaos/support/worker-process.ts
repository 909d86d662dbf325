import { SANDBOX_APICODE, SANDBOX_CID } from '../../../src/sandbox';
import type { ManagedProcess, ProcessGroup } from './child-process';
import { ONBOARDING_BIN, REPO_ROOT } from './sandbox-process';

/** A `node bin/onboarding.js worker` the scenario can kill and start again under the same name and env. */
export interface WorkerSlot {
  name: string;
  env: NodeJS.ProcessEnv;
  /** The current process (a restart replaces it). */
  current(): ManagedProcess;
  /** Every process this slot ran, oldest first, for counting log lines across restarts. */
  history(): ManagedProcess[];
  /** Starts a fresh process and waits for "worker ready". */
  start(): Promise<ManagedProcess>;
}

/** Environment every chaos worker gets; scenarios override what they test. */
export function workerEnv(redisUrl: string, prefix: string, ropoBaseUrl: string): NodeJS.ProcessEnv {
  return {
    NODE_ENV: 'test',
    REDIS_URL: redisUrl,
    QUEUE_PREFIX: prefix,
    ROPO_BASE_URL: ropoBaseUrl,
    ROPO_CID: SANDBOX_CID,
    ROPO_APICODE: SANDBOX_APICODE,
    LOG_LEVEL: 'info',
    WORKER_CONCURRENCY: '10',
    LOCK_DURATION_MS: '5000',
    STALLED_INTERVAL_MS: '5000',
    SHUTDOWN_TIMEOUT_MS: '10000',
    RATE_LIMIT_MAX: '1000',
    RATE_LIMIT_DURATION_MS: '1000',
    JOB_ATTEMPTS: '8',
    BACKOFF_BASE_MS: '100',
    BACKOFF_MAX_MS: '2000',
    BREAKER_THRESHOLD: '5',
    BREAKER_HALF_OPEN_MS: '1000',
  };
}

/** Creates a slot; nothing runs until `start()`. */
export function workerSlot(group: ProcessGroup, name: string, env: NodeJS.ProcessEnv): WorkerSlot {
  const runs: ManagedProcess[] = [];
  return {
    name,
    env,
    current() {
      const last = runs[runs.length - 1];
      if (!last) throw new Error(`${name} was never started`);
      return last;
    },
    history: () => [...runs],
    async start() {
      const child = group.spawn({
        name: `${name}#${runs.length + 1}`,
        command: process.execPath,
        args: [ONBOARDING_BIN, 'worker'],
        cwd: REPO_ROOT,
        env,
      });
      runs.push(child);
      await child.waitForLine(/worker ready/, 90_000);
      return child;
    },
  };
}

/** Counts log lines matching `pattern` over every process a slot ran. */
export function countLines(slots: WorkerSlot[], pattern: RegExp): number {
  return slots.flatMap((slot) => slot.history()).reduce((n, p) => n + p.lines(pattern).length, 0);
}
