import type { Logger } from '../logger';

/** Starts the shutdown from elsewhere than a signal (the cluster primary asking, say); idempotent. */
export type RequestShutdown = (reason: string) => void;

/** Options of {@link onShutdownSignal}. */
export interface ShutdownOptions {
  /**
   * After this long the process exits whatever `stop` is doing (a dead Redis can make closing
   * hang forever): 1 if `inFlight` says jobs were abandoned, else 0. Unset: wait for `stop`.
   */
  hardDeadlineMs?: number;
  /** How many jobs are still running; read when the hard deadline passes. */
  inFlight?: () => number;
}

/**
 * Runs `stop` once on the first SIGINT or SIGTERM and exits with its result; a second signal
 * exits at once, for an operator who does not want to wait for in-flight jobs. The returned
 * function starts the same shutdown, and does nothing once one is under way.
 */
export function onShutdownSignal(
  stop: () => Promise<void>,
  logger: Logger,
  options: ShutdownOptions = {},
): RequestShutdown {
  let stopping = false;
  const begin = (reason: string): void => {
    stopping = true;
    logger.info('shutting down', { signal: reason });
    if (options.hardDeadlineMs !== undefined) {
      setTimeout(() => {
        const inFlight = options.inFlight?.() ?? 0;
        if (inFlight > 0) {
          logger.error(
            'shutdown deadline passed: exiting with jobs in flight; they will run again as stalled jobs',
            {
              inFlight,
              hardDeadlineMs: options.hardDeadlineMs,
            },
          );
        } else {
          logger.warn('shutdown deadline passed: exiting with no job in flight (closing connections hung)', {
            hardDeadlineMs: options.hardDeadlineMs,
          });
        }
        process.exit(inFlight > 0 ? 1 : 0);
      }, options.hardDeadlineMs).unref();
    }
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
