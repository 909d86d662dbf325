import cluster, { type Worker } from 'node:cluster';
import type { Logger } from '../logger';

/** What the primary sends a serving process to stop it the way SIGTERM would. */
export const SHUTDOWN_MESSAGE = 'onboarding:shutdown';

/** Options of {@link runHttpCluster}. */
export interface HttpClusterOptions {
  processes: number;
  logger: Logger;
  /** The first wait before a dead process is replaced; it doubles with each death in `crashWindowMs`. Default 1 s. */
  restartDelayMs?: number;
  /** Deaths within `crashWindowMs` after which the primary gives up and exits 1. Default 5 in 60 s. */
  maxCrashes?: number;
  crashWindowMs?: number;
}

/** The longest wait before a replacement. */
const MAX_RESTART_DELAY_MS = 30_000;

/**
 * Runs `processes` copies of this command as cluster workers on one shared port and keeps them
 * running: the intake is stateless, and one Node process tops out at about one core.
 *
 * - A process that dies is replaced, after a wait that doubles while they keep dying. When they die
 *   `maxCrashes` times within `crashWindowMs`, or one dies before it listens (its siblings would fail
 *   the same way: a port in use, say), all are stopped and this process exits 1, for the supervisor
 *   (systemd, Kubernetes) to see.
 * - The first SIGINT or SIGTERM lets every process finish its requests, then exits 0; a second one
 *   forwards SIGTERM, which makes them exit at once.
 *
 * Resolves when every process listens; rejects, once all are stopped, when the start fails.
 */
export function runHttpCluster(options: HttpClusterOptions): Promise<void> {
  const { processes, logger } = options;
  const restartDelayMs = options.restartDelayMs ?? 1_000;
  const maxCrashes = options.maxCrashes ?? 5;
  const crashWindowMs = options.crashWindowMs ?? 60_000;
  let stopping = false;
  let ready = false;
  let failure: Error | undefined;
  const slotOf = new Map<Worker, number>();
  const up = new Set<Worker>();
  const crashes: number[] = [];

  return new Promise((resolve, reject) => {
    const exitWhenAllGone = (): void => {
      if (slotOf.size > 0) return;
      if (failure && !ready)
        reject(failure); // the caller prints it and exits 1
      else process.exit(failure ? 1 : 0);
    };

    const stopAll = (reason: string): void => {
      if (stopping) return;
      stopping = true;
      logger.info('stopping the http processes', { reason, processes: slotOf.size });
      // One still starting may not listen for messages yet, and has no requests to finish.
      for (const worker of slotOf.keys()) {
        if (!up.has(worker)) worker.process.kill('SIGTERM');
        else if (worker.isConnected()) worker.send(SHUTDOWN_MESSAGE);
      }
      exitWhenAllGone();
    };

    const fail = (error: Error): void => {
      failure ??= error;
      stopAll('failure');
    };

    const start = (slot: number): void => {
      const worker = cluster.fork({ ONBOARDING_HTTP_PROCESS: String(slot) });
      slotOf.set(worker, slot);
      worker.once('listening', () => {
        up.add(worker);
        if (!ready && up.size === processes) {
          ready = true;
          logger.info('http processes ready', { processes });
          resolve();
        }
      });
      worker.once('exit', (code, signal) => {
        slotOf.delete(worker);
        const wasUp = up.delete(worker);
        if (stopping) {
          // Ended by the stop itself (a signal to a process still starting, or Ctrl-C to the group).
          if (code !== 0 && signal !== 'SIGTERM' && signal !== 'SIGINT' && code !== 130) {
            failure ??= new Error(`http process ${slot} exited (${signal ?? code}) while stopping`);
          }
          return exitWhenAllGone();
        }
        if (!wasUp) {
          logger.error('an http process failed to start; stopping the others', { slot, code, signal });
          return fail(new Error(`http process ${slot} exited (${signal ?? code}) before it listened`));
        }
        const now = Date.now();
        crashes.push(now);
        while (crashes.length > 0 && (crashes[0] as number) < now - crashWindowMs) crashes.shift();
        if (crashes.length >= maxCrashes) {
          logger.error('http processes keep dying; giving up', {
            slot,
            code,
            signal,
            deaths: crashes.length,
          });
          return fail(new Error(`${crashes.length} http processes died within ${crashWindowMs} ms`));
        }
        // Doubles with each death within the window; a quiet window brings it back to the first wait.
        const wait = Math.min(restartDelayMs * 2 ** (crashes.length - 1), MAX_RESTART_DELAY_MS);
        logger.error('an http process died; starting another', { slot, code, signal, inMs: wait });
        setTimeout(() => {
          if (!stopping) start(slot);
        }, wait);
      });
    };

    let signals = 0;
    const onSignal = (signal: NodeJS.Signals): void => {
      signals += 1;
      if (signals === 1) return stopAll(signal);
      logger.warn('second signal: the http processes exit without waiting', { signal });
      for (const worker of slotOf.keys()) worker.process.kill('SIGTERM');
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);

    for (let slot = 1; slot <= processes; slot++) start(slot);
  });
}
