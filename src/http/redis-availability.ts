import { PayloadInvalidError } from '../errors/payload-invalid-error';
import type { Logger } from '../logger';
import type { RedisClient } from '../queues/connection';
import { ApiError } from './errors';

/** The 503 every route answers when Redis cannot store or read what it must. */
export function redisUnavailable(): ApiError {
  return new ApiError(
    503,
    'REDIS_UNAVAILABLE',
    'Redis is unreachable; nothing was stored, try again later',
    undefined,
    {
      'Retry-After': '5',
    },
  );
}

/** True when the connection can take commands now; anything else would queue or hang. */
export function isRedisReady(connection: RedisClient): boolean {
  return connection.status === 'ready';
}

/**
 * Runs a Redis-backed operation with a deadline and turns a lost Redis into {@link redisUnavailable}.
 * BullMQ waits for a connection to become ready before it sends anything, so without the deadline a
 * request against a dead Redis would hang for as long as ioredis keeps reconnecting.
 *
 * A timed-out operation may still complete later; that is safe because job ids are idempotent
 * (Idempotency-Key or payload hash): the client's retry collapses into the same job.
 */
export async function withRedis<T>(
  connection: RedisClient,
  timeoutMs: number,
  run: () => Promise<T>,
): Promise<T> {
  if (!isRedisReady(connection)) throw redisUnavailable();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(redisUnavailable()), timeoutMs);
  });
  try {
    return await Promise.race([run(), deadline]);
  } catch (error) {
    if (error instanceof ApiError || error instanceof PayloadInvalidError) throw error;
    if (isRedisFailure(error, connection)) throw redisUnavailable();
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

/** True for errors that mean Redis, not our code, failed: a lost connection or a refused write (OOM, READONLY). */
export function isRedisFailure(error: unknown, connection: RedisClient): boolean {
  if (!isRedisReady(connection)) return true;
  const name = (error as { name?: unknown })?.name;
  return name === 'ReplyError' || name === 'MaxRetriesPerRequestError' || name === 'ConnectionClosedError';
}

/**
 * Logs the connection's errors at most once per `intervalMs` (ioredis reports every failed reconnect)
 * and when it is back, so a Redis outage is visible in the log without flooding it.
 */
export function logRedisErrors(connection: RedisClient, logger: Logger, intervalMs = 10_000): void {
  let lastLogged = 0;
  let failing = false;
  connection.on('error', (error: Error) => {
    failing = true;
    if (Date.now() - lastLogged < intervalMs) return;
    lastLogged = Date.now();
    logger.warn('Redis connection error; HTTP requests that need Redis answer 503', { error });
  });
  connection.on('ready', () => {
    if (failing) logger.info('Redis connection is back');
    failing = false;
  });
}
