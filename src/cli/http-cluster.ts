import cluster, { type Worker } from 'node:cluster';
import type { Logger } from '../logger';

/** What the primary sends a serving process to stop it the way SIGTERM would. */
export const SHUTDOWN_MESSAGE = 'onboarding:shutdown';

/** Options of {@link runHttpCluster}. */
export interface HttpClusterOptions {
  processes: number;
  logger: Logger;
  /** The least time between two starts of a replacement for a dead process; default 1 s. */
  restartDelayMs?: number;
}

/**
 * Runs `processes` copies of this command as cluster workers on one shared port and keeps them
 * running: the intake is stateless, and one Node process tops out at about one core. A process
 * that dies is replaced; one that dies before it listens stops them all, because its siblings
 * would fail the same way (a port in use, say). The first SIGINT or SIGTERM lets every process
 * finish its requests and exits when they have; a second one forwards SIGTERM, which makes them
 * exit at once. Resolves when every process listens.
 */
export function runHttpCluster(options: HttpClusterOptions): Promise<void> {
  const { processes, logger } = options;
  const restartDelayMs = options.restartDelayMs ?? 1_000;
  let stopping = false;
  let failed = false;
  let listening = 0;
  let startupFailure: Error | undefined;
  const slotOf = new Map<Worker, number>();
  const up = new Set<Worker>();
  const startedAt = new Map<number, number>();

  return new Promise((resolve, reject) => {
    const exitWhenAllGone = (): void => {
      if (slotOf.size > 0) return;
      // The caller reports a start-up failure and exits 1; only then are no processes left behind.
      if (startupFailure) reject(startupFailure);
      else process.exit(failed ? 1 : 0);
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

    const start = (slot: number): void => {
      startedAt.set(slot, Date.now());
      const worker = cluster.fork({ ONBOARDING_HTTP_PROCESS: String(slot) });
      slotOf.set(worker, slot);
      worker.once('listening', () => {
        up.add(worker);
        listening += 1;
        if (listening === processes) {
          logger.info('http processes ready', { processes });
          resolve();
        }
      });
      worker.once('exit', (code, signal) => {
        slotOf.delete(worker);
        const wasUp = up.delete(worker);
        if (stopping) {
          // A process still starting when asked to stop is ended by SIGTERM: not a failure.
          if (code !== 0 && signal !== 'SIGTERM') failed = true;
          return exitWhenAllGone();
        }
        if (!wasUp) {
          failed = true;
          startupFailure = new Error(`http process ${slot} exited (${signal ?? code}) before it listened`);
          logger.error('an http process failed to start; stopping the others', { slot, code, signal });
          return stopAll('start-up failure');
        }
        const wait = Math.max(0, (startedAt.get(slot) ?? 0) + restartDelayMs - Date.now());
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
