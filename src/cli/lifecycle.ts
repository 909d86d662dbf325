import type { Logger } from '../logger';
import { onShutdownSignal, type RequestShutdown, type ShutdownOptions } from './shutdown';

/** What a long-running command started, stopped in reverse order on Ctrl-C, SIGTERM or a start-up failure. */
export interface Lifecycle {
  add(stop: () => Promise<void>): void;
  stopAll(): Promise<void>;
}

/** The lifecycle of this process: also begins, without a signal, the shutdown SIGTERM would. */
export interface ProcessLifecycle extends Lifecycle {
  /** Stops everything, then exits; a no-op once a shutdown began. */
  shutdown: RequestShutdown;
  /** Tells the hard shutdown deadline how many jobs are still running (the worker registers it). */
  trackInFlight(count: () => number): void;
}

/**
 * Creates the lifecycle and hooks it to SIGINT/SIGTERM. With `hardDeadlineMs` the process exits
 * after that long even if a stop hangs (closing against a dead Redis does).
 */
export function createLifecycle(
  logger: Logger,
  options: Pick<ShutdownOptions, 'hardDeadlineMs'> = {},
): ProcessLifecycle {
  const counters: (() => number)[] = [];
  const stops: (() => Promise<void>)[] = [];
  const lifecycle: Lifecycle = {
    add: (stop) => void stops.push(stop),
    async stopAll() {
      while (stops.length > 0) {
        const stop = stops.pop() as () => Promise<void>;
        await stop().catch((error: unknown) => logger.error('stop failed', { error }));
      }
    },
  };
  const shutdown = onShutdownSignal(() => lifecycle.stopAll(), logger, {
    hardDeadlineMs: options.hardDeadlineMs,
    inFlight: () => counters.reduce((sum, count) => sum + count(), 0),
  });
  return { ...lifecycle, shutdown, trackInFlight: (count) => void counters.push(count) };
}
