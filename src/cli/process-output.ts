import { format } from 'node:util';
import { redactString, type Logger } from '../logger';
import { isRedisConnectionError, RedisOutageLog } from '../queues/redis-outage-log';

/** What {@link routeProcessOutput} installed; `stop` puts console and the process handlers back. */
export interface ProcessOutput {
  /** The process's one Redis outage log: hand it to everything that sees connection errors. */
  outage: RedisOutageLog;
  stop(): void;
}

const CONSOLE_LEVELS = {
  log: 'info',
  info: 'info',
  debug: 'debug',
  warn: 'warn',
  error: 'error',
  trace: 'error',
} as const;

/** The fields of an error worth a log line; the stack only where `withStack` (a crash) asks for it. */
export function errorFields(error: unknown, withStack = false): Record<string, unknown> {
  if (!(error instanceof Error)) return { message: redactString(String(error)) };
  return {
    type: error.name,
    code: (error as { code?: unknown }).code,
    message: redactString(error.message),
    stack: withStack ? redactString(error.stack ?? '') : undefined,
  };
}

// ioredis prints `[ioredis] Unhandled error event:` and the stack, as text, for a client nobody listens to.
function printedRedisError(args: unknown[]): Error | undefined {
  if (typeof args[0] !== 'string' || !args[0].startsWith('[ioredis] Unhandled error event')) return undefined;
  const text = args.map(String).join(' ');
  const code = /\b(E[A-Z_]{4,})\b/.exec(text)?.[1];
  const error = Object.assign(new Error(text.split('\n')[0] ?? text), { code });
  return isRedisConnectionError(error) ? error : undefined;
}

/**
 * Makes every line a long-running command writes one JSON object: console.* (what ioredis, BullMQ
 * and libraries print themselves), Node's process warnings, and uncaught exceptions and unhandled
 * rejections (logged, then exit 1 as Node would) all go through the winston logger. Redis
 * connection errors printed to the console are counted by the outage log instead of written.
 */
export function routeProcessOutput(
  logger: Logger,
  options: { reportEveryMs?: number; now?: () => number } = {},
): ProcessOutput {
  const outage = new RedisOutageLog({ sink: logger, reportEveryMs: options.reportEveryMs, now: options.now });
  const originals = new Map<keyof typeof CONSOLE_LEVELS, (...args: unknown[]) => void>();
  let inside = false;
  for (const method of Object.keys(CONSOLE_LEVELS) as (keyof typeof CONSOLE_LEVELS)[]) {
    originals.set(method, console[method]);
    console[method] = (...args: unknown[]): void => {
      // A transport that itself printed through console would loop; write it where it meant to.
      if (inside) return void originals.get(method)?.apply(console, args);
      inside = true;
      try {
        const redisError = args.find(isRedisConnectionError) ?? printedRedisError(args);
        if (redisError) return void outage.error(redisError, 'console');
        const error = args.find((arg): arg is Error => arg instanceof Error);
        logger.log(
          CONSOLE_LEVELS[method],
          format(...args.map((arg) => (arg instanceof Error ? arg.message : arg))),
          {
            source: 'console',
            error: error ? errorFields(error) : undefined,
          },
        );
      } finally {
        inside = false;
      }
    };
  }

  // Node's own printer is a listener too: removed, so a warning is one JSON line and not two.
  const warningListeners = process.listeners('warning');
  process.removeAllListeners('warning');
  const onWarning = (warning: Error): void => {
    logger.warn('node warning', { source: 'process', error: errorFields(warning) });
  };
  const fatal = (message: string) => (error: unknown) => {
    logger.error(message, { source: 'process', error: errorFields(error, true) });
    // stdout and stderr are synchronous for files and pipes on Linux: the line is out before exit.
    process.exit(1);
  };
  const onUncaught = fatal('uncaught exception');
  const onRejection = fatal('unhandled rejection');
  process.on('warning', onWarning);
  process.on('uncaughtException', onUncaught);
  process.on('unhandledRejection', onRejection);

  const timer = setInterval(() => outage.tick(), Math.min(options.reportEveryMs ?? 60_000, 5_000));
  timer.unref();

  return {
    outage,
    stop() {
      clearInterval(timer);
      for (const [method, original] of originals) console[method] = original;
      process.off('warning', onWarning);
      process.off('uncaughtException', onUncaught);
      process.off('unhandledRejection', onRejection);
      for (const listener of warningListeners) process.on('warning', listener as (w: Error) => void);
    },
  };
}
