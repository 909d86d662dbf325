import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { track } from './child-registry';
import type { WorkerStats } from './worker-control';
import { cpuMicros, procStatusBytes } from './proc-status';

const REPO = path.join(__dirname, '..', '..');
const BIN = path.join(REPO, 'bin', 'onboarding.js');
const SAMPLE_MS = 100;
const TIMELINE_MS = 1_000;

let built = false;

/** `npm run build`'s two steps (tsc to dist/, the Lua scripts beside their modules), once per bench run. */
export function buildDist(): void {
  if (built) return;
  const steps: string[][] = [
    [require.resolve('typescript/bin/tsc'), '-p', path.join(REPO, 'tsconfig.build.json')],
    [path.join(REPO, 'scripts', 'copy-lua.cjs')],
  ];
  for (const args of steps) {
    const result = spawnSync(process.execPath, args, { cwd: REPO, stdio: 'inherit' });
    if (result.status !== 0) throw new Error(`building dist/ failed: ${args.join(' ')} (${result.status})`);
  }
  built = true;
}

/** The process that runs the worker: a launcher's only child if it started one, else the process itself. */
function workerPid(pid: number): number {
  try {
    const children = fs.readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/);
    return children[0] ? Number(children[0]) : pid;
  } catch {
    return pid;
  }
}

/** Resolves once `stream` has carried `needle`, then keeps draining it without looking. */
function waitForOutput(child: ChildProcess, needle: string, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => done(new Error(`no '${needle}' from \`onboarding worker\``)), timeoutMs);
    const onData = (chunk: Buffer): void => {
      seen = (seen + chunk.toString()).slice(-4096);
      if (seen.includes(needle)) done();
    };
    const onExit = (code: number | null): void =>
      done(new Error(`\`onboarding worker\` exited (${code}) before '${needle}'`));
    function done(error?: Error): void {
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.off('exit', onExit);
      // Unread output would fill the pipe and stall the worker's log writes.
      child.stdout?.resume();
      if (error) reject(error);
      else resolve();
    }
    child.stdout?.on('data', onData);
    child.once('exit', onExit);
  });
}

/** A running `onboarding worker`, measured from outside through /proc. */
export interface CliWorkerHandle {
  pid: number;
  stats(): Promise<WorkerStats>;
  stop(): Promise<void>;
}

/**
 * Starts `node bin/onboarding.js worker` from dist/ (ONBOARDING_DIST=1, as the image runs it) with the
 * given environment, and waits for its `worker ready` line. Memory and CPU are read from /proc, so the
 * worker runs exactly the shipped code: no preload, no IPC. If bin/onboarding.js started the worker as a
 * child of its own (to give it heap flags), the figures are the child's and the launcher's RSS is reported
 * beside them.
 */
export async function startCliWorker(env: NodeJS.ProcessEnv): Promise<CliWorkerHandle> {
  buildDist();
  const child = track(
    spawn(process.execPath, [BIN, 'worker'], {
      env: { ...env, ONBOARDING_DIST: '1' },
      // stdout is read until ready, then drained unread (JSON log lines at info, one per job).
      stdio: ['ignore', 'pipe', 'inherit'],
    }),
  );
  const launcherPid = child.pid ?? -1;
  await waitForOutput(child, '"worker ready"', 60_000);
  const pid = workerPid(launcherPid);
  const cpuAtReady = cpuMicros(pid);
  let peakRss = procStatusBytes(pid, 'VmRSS') ?? 0;
  const timeline: number[] = [];
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, procStatusBytes(pid, 'VmRSS') ?? 0);
  }, SAMPLE_MS);
  const recorder = setInterval(() => {
    const rss = procStatusBytes(pid, 'VmRSS');
    if (rss !== null) timeline.push(rss);
  }, TIMELINE_MS);
  return {
    pid,
    async stats() {
      const cpu = cpuMicros(pid);
      return {
        type: 'stats',
        peakRssSampled: peakRss,
        vmHwm: procStatusBytes(pid, 'VmHWM'),
        rss: procStatusBytes(pid, 'VmRSS') ?? Number.NaN,
        rssAnon: procStatusBytes(pid, 'RssAnon') ?? undefined,
        launcherVmHwm: pid === launcherPid ? undefined : (procStatusBytes(launcherPid, 'VmHWM') ?? undefined),
        launcherRssAnon:
          pid === launcherPid ? undefined : (procStatusBytes(launcherPid, 'RssAnon') ?? undefined),
        timeline,
        heapTimeline: [],
        cpuMicros: cpu.total - cpuAtReady.total,
        cpuSystemMicros: cpu.system - cpuAtReady.system,
      };
    },
    async stop() {
      clearInterval(sampler);
      clearInterval(recorder);
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        if (pid !== launcherPid) {
          try {
            process.kill(pid, 'SIGKILL');
          } catch {
            // Already gone.
          }
        }
      }, 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
