import type { Config } from '../config';
import { createRedisConnection, type RedisClient } from '../queues/connection';

/** A CLI command could not reach Redis within REDIS_CONNECT_TIMEOUT_MS. */
export class RedisUnreachableError extends Error {
  readonly code = 'REDIS_UNREACHABLE';
  constructor(url: string, timeoutMs: number, cause?: string) {
    super(
      `could not reach Redis at ${url} within ${timeoutMs} ms (REDIS_CONNECT_TIMEOUT_MS)` +
        `${cause ? `: ${cause}` : ''}; is REDIS_URL set in this shell?`,
    );
    this.name = 'RedisUnreachableError';
  }
}

/** The Redis URL (or node list) with any password replaced, fit for messages and logs. */
export function redactRedisUrl(redisUrl: string): string {
  return redisUrl
    .split(',')
    .map((node) => {
      try {
        const url = new URL(node.trim());
        if (url.password) url.password = '***';
        return url.toString().replace(/\/$/, '');
      } catch {
        return '<unparseable url>';
      }
    })
    .join(',');
}

/** The Redis a CLI command uses: `--redis-url` wins over REDIS_URL. */
export function cliRedisUrl(config: Config, flag?: string): string {
  return flag ?? config.redis.url;
}

/**
 * Opens a producer connection and waits until it is ready, failing within the connect timeout
 * instead of hanging: a CLI run against a dead Redis must end with a message, not silence.
 * Human output also says on stderr which Redis and prefix it used (only on a terminal, so a
 * pipeline's stderr stays clean), because a shell without REDIS_URL silently talks to localhost.
 */
export async function connectForCli(
  config: Config,
  options: { redisUrl?: string; announce?: boolean } = {},
): Promise<RedisClient> {
  const url = cliRedisUrl(config, options.redisUrl);
  const shown = redactRedisUrl(url);
  if (options.announce !== false && process.stderr.isTTY) {
    process.stderr.write(`using Redis ${shown}, queue prefix ${config.redis.prefix}\n`);
  }
  const connection = createRedisConnection(url, 'producer');
  let lastError: string | undefined;
  // Without a listener ioredis prints "Unhandled error event" stack dumps on every retry.
  connection.on('error', (error: Error) => {
    lastError = (error as { code?: string }).code ?? error.message;
  });
  if (connection.status === 'ready') return connection;
  const timeoutMs = config.redis.connectTimeoutMs;
  let timer: NodeJS.Timeout | undefined;
  const ready = await Promise.race([
    new Promise<boolean>((resolve) => connection.once('ready', () => resolve(true))),
    new Promise<boolean>((resolve) => (timer = setTimeout(resolve, timeoutMs, false))),
  ]);
  clearTimeout(timer);
  if (!ready) {
    connection.disconnect();
    throw new RedisUnreachableError(shown, timeoutMs, lastError);
  }
  return connection;
}
