import { spawn, type ChildProcess } from 'node:child_process';

/** How a spawned process ended. */
export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A child process the chaos tests can wait on, kill -9, or stop gracefully. */
export interface ManagedProcess {
  name: string;
  pid: number;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
  /** Output lines matching `pattern` so far. */
  lines(pattern: RegExp): string[];
  /** Resolves on the first output line matching `pattern` (also one already written); rejects on exit or timeout. */
  waitForLine(pattern: RegExp, timeoutMs: number): Promise<string>;
  running(): boolean;
  exited: Promise<ExitInfo>;
  /** SIGKILL, then waits until the OS has reaped it. */
  kill9(): Promise<ExitInfo>;
  /** SIGTERM; SIGKILL when it has not exited after `deadlineMs`. Reports how long it took. */
  terminate(deadlineMs: number): Promise<ExitInfo & { ms: number; forced: boolean }>;
}

/** What to start. */
export interface SpawnOptions {
  name: string;
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

/**
 * Every process a scenario starts goes through one group, so `reapAll` in a `finally` kills whatever
 * is still running, even after a failed assertion or a timeout.
 */
export interface ProcessGroup {
  spawn(options: SpawnOptions): ManagedProcess;
  /** Adds something else to stop at the end (a Redis client, a temp dir). Run in reverse order. */
  defer(cleanup: () => Promise<unknown> | unknown): void;
  reapAll(): Promise<void>;
}

const MAX_OUTPUT_CHARS = 4_000_000;

// If jest itself exits (a timeout, a crash), no Redis or worker may outlive it.
const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

function manage(child: ChildProcess, name: string): ManagedProcess {
  let text = '';
  const waiters = new Set<() => void>();
  const append = (chunk: Buffer): void => {
    text += chunk.toString('utf8');
    // A worker logging every job for minutes must not grow without bound; the tail is what matters.
    if (text.length > MAX_OUTPUT_CHARS) text = text.slice(-MAX_OUTPUT_CHARS / 2);
    for (const wake of waiters) wake();
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  let exitInfo: ExitInfo | undefined;
  const exited = new Promise<ExitInfo>((resolve) => {
    child.once('exit', (code, signal) => {
      exitInfo = { code, signal };
      for (const wake of waiters) wake();
      resolve(exitInfo);
    });
  });
  const running = (): boolean => exitInfo === undefined;

  const handle: ManagedProcess = {
    name,
    pid: child.pid as number,
    output: () => text,
    lines: (pattern) => text.split('\n').filter((line) => pattern.test(line)),
    waitForLine(pattern, timeoutMs) {
      return new Promise((resolve, reject) => {
        const check = (): void => {
          const found = text.split('\n').find((line) => pattern.test(line));
          if (found !== undefined) return done(() => resolve(found));
          if (!running()) {
            return done(() =>
              reject(
                new Error(
                  `${name} exited (${JSON.stringify(exitInfo)}) before ${pattern}:\n${text.slice(-3000)}`,
                ),
              ),
            );
          }
        };
        const timer = setTimeout(
          () =>
            done(() =>
              reject(new Error(`${name}: no ${pattern} within ${timeoutMs} ms:\n${text.slice(-3000)}`)),
            ),
          timeoutMs,
        );
        const done = (settle: () => void): void => {
          clearTimeout(timer);
          waiters.delete(check);
          settle();
        };
        waiters.add(check);
        check();
      });
    },
    running,
    exited,
    async kill9() {
      if (running()) child.kill('SIGKILL');
      return exited;
    },
    async terminate(deadlineMs) {
      const started = Date.now();
      if (!running()) return { ...(await exited), ms: 0, forced: false };
      child.kill('SIGTERM');
      let forced = false;
      const timer = setTimeout(() => {
        forced = true;
        child.kill('SIGKILL');
      }, deadlineMs);
      const info = await exited;
      clearTimeout(timer);
      return { ...info, ms: Date.now() - started, forced };
    },
  };
  return handle;
}

/** Creates a group; call `reapAll()` in a `finally`. */
export function createProcessGroup(): ProcessGroup {
  const processes: ManagedProcess[] = [];
  const cleanups: (() => Promise<unknown> | unknown)[] = [];
  return {
    spawn(options) {
      const child = spawn(options.command, options.args, {
        cwd: options.cwd,
        env: { ...process.env, ...options.env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      if (child.pid === undefined) throw new Error(`could not spawn ${options.command}`);
      const managed = manage(child, options.name);
      live.add(child);
      child.once('exit', () => live.delete(child));
      processes.push(managed);
      return managed;
    },
    defer(cleanup) {
      cleanups.push(cleanup);
    },
    async reapAll() {
      while (cleanups.length > 0) {
        const cleanup = cleanups.pop() as () => Promise<unknown> | unknown;
        try {
          await cleanup();
        } catch {
          // Cleanup is best effort: one failure must not leave the other processes running.
        }
      }
      await Promise.all(processes.map((p) => p.kill9()));
    },
  };
}
