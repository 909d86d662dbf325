import type { Logger } from '../logger';
import { onShutdownSignal, type RequestShutdown } from './shutdown';

/** What a long-running command started, stopped in reverse order on Ctrl-C, SIGTERM or a start-up failure. */
export interface Lifecycle {
  add(stop: () => Promise<void>): void;
  stopAll(): Promise<void>;
}

/** The lifecycle of this process: also begins, without a signal, the shutdown SIGTERM would. */
export interface ProcessLifecycle extends Lifecycle {
  /** Stops everything, then exits; a no-op once a shutdown began. */
  shutdown: RequestShutdown;
}

/** Creates the lifecycle and hooks it to SIGINT/SIGTERM. */
export function createLifecycle(logger: Logger): ProcessLifecycle {
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
  const shutdown = onShutdownSignal(() => lifecycle.stopAll(), logger);
  return { ...lifecycle, shutdown };
}
