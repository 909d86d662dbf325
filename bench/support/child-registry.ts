import type { ChildProcess } from 'node:child_process';

// Every process the bench starts, so that none outlives it, whatever way the bench ends.
const children = new Set<ChildProcess>();
let hooked = false;

function killAll(): void {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) {
      try {
        child.kill('SIGKILL');
      } catch {
        // Already gone between the check and the kill.
      }
    }
  }
  children.clear();
}

function hookExit(): void {
  if (hooked) return;
  hooked = true;
  // 'exit' handlers run synchronously, and kill() is a synchronous signal: nothing is left running.
  process.on('exit', killAll);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      killAll();
      process.exit(128 + (signal === 'SIGINT' ? 2 : signal === 'SIGTERM' ? 15 : 1));
    });
  }
}

/** Registers a child process to be SIGKILLed when the bench exits, normally or not. */
export function track<T extends ChildProcess>(child: T): T {
  hookExit();
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

/** Stops a child: SIGTERM, then SIGKILL after `graceMs`; resolves once it has exited. */
export async function stopChild(child: ChildProcess, graceMs = 5_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}
