import type { Logger } from '../logger';

/** Starts the shutdown from elsewhere than a signal (the cluster primary asking, say); idempotent. */
export type RequestShutdown = (reason: string) => void;

/**
 * Runs `stop` once on the first SIGINT or SIGTERM and exits with its result; a second signal
 * exits at once, for an operator who does not want to wait for in-flight jobs. The returned
 * function starts the same shutdown, and does nothing once one is under way.
 */
export function onShutdownSignal(stop: () => Promise<void>, logger: Logger): RequestShutdown {
  let stopping = false;
  const begin = (reason: string): void => {
    stopping = true;
    logger.info('shutting down', { signal: reason });
    stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error('shutdown failed', { error });
        process.exit(1);
      },
    );
  };
  const handler = (signal: NodeJS.Signals): void => {
    if (stopping) {
      logger.warn('second signal: exiting without waiting', { signal });
      process.exit(130);
    }
    begin(signal);
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return (reason) => {
    if (!stopping) begin(reason);
  };
}
