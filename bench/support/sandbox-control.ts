import { fork, type ChildProcess } from 'node:child_process';
import type { CreationRecord, SandboxFaults, SandboxStats } from '../../src/sandbox';
import { childEntry } from './child-entries';
import { stopChild, track } from './child-registry';

/** The sandbox child process as the bench drives it, over its /__sandbox admin API. */
export interface SandboxControl {
  url: string;
  baseUrl: string;
  pid: number;
  reset(): Promise<void>;
  setFaults(faults: SandboxFaults): Promise<{ outage?: { remainingMs?: number } }>;
  creations(): Promise<CreationRecord[]>;
  stats(): Promise<SandboxStats>;
  stop(): Promise<void>;
}

/** Waits for the child's first IPC message of `type`, or fails if it exits first. */
export function waitForMessage<T extends { type: string }>(
  child: ChildProcess,
  type: string,
  timeoutMs = 30_000,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => done(new Error(`no '${type}' from child ${child.pid}`)), timeoutMs);
    const onMessage = (message: T): void => {
      if (message?.type === type) done(undefined, message);
    };
    const onExit = (code: number | null): void => done(new Error(`child exited (${code}) before '${type}'`));
    function done(error?: Error, message?: T): void {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
      if (error) reject(error);
      else resolve(message as T);
    }
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}

async function call<T>(url: string, method: string, body?: unknown): Promise<T> {
  const response = await fetch(url, {
    method,
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${method} ${url} answered ${response.status}`);
  return (await response.json()) as T;
}

/** Forks bench/support/sandbox-process.ts and returns its admin handle. */
export async function startSandboxProcess(): Promise<SandboxControl> {
  const child = track(
    fork(childEntry('sandbox-process'), [], {
      // BENCH_SANDBOX_PROF=<dir>: a CPU profile of the upstream stand-in, apart from the workers' own.
      execArgv: process.env.BENCH_SANDBOX_PROF
        ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_SANDBOX_PROF}`]
        : [],
    }),
  );
  const { url } = await waitForMessage<{ type: string; url: string }>(child, 'ready');
  const admin = (route: string): string => `${url}/__sandbox/${route}`;
  return {
    url,
    baseUrl: `${url}/rest`,
    pid: child.pid ?? -1,
    reset: async () => void (await call(admin('reset'), 'POST')),
    setFaults: (faults) => call(admin('faults'), 'POST', faults),
    creations: async () => (await call<{ creations: CreationRecord[] }>(admin('creations'), 'GET')).creations,
    stats: () => call<SandboxStats>(admin('stats'), 'GET'),
    stop: () => stopChild(child),
  };
}
