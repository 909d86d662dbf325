import type { Logger } from '../logger';
import { onShutdownSignal } from './shutdown';

/** What a long-running command started, stopped in reverse order on Ctrl-C, SIGTERM or a start-up failure. */
export interface Lifecycle {
  add(stop: () => Promise<void>): void;
  stopAll(): Promise<void>;
}

/** Creates the lifecycle and hooks it to SIGINT/SIGTERM. */
export function createLifecycle(logger: Logger): Lifecycle {
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
  onShutdownSignal(() => lifecycle.stopAll(), logger);
  return lifecycle;
}
