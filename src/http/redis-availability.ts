import { PayloadInvalidError } from '../contracts/payload-invalid-error';
import type { Logger } from '../logger';
import type { RedisClient } from '../queues/connection';
import { ApiError } from './errors';
import { RedisOutageLog } from '../queues/redis-outage-log';

/** The 503 every route answers when Redis cannot store or read what it must. */
export function redisUnavailable(): ApiError {
  return new ApiError(
    503,
    'REDIS_UNAVAILABLE',
    'Redis is unreachable; nothing was stored, try again later',
    undefined,
    { 'Retry-After': '5' },
  );
}

/** The 507 when Redis refused a write because it is full: retrying soon will not help, an operator must act. */
export function redisFull(): ApiError {
  return new ApiError(
    507,
    'REDIS_FULL',
    'Redis is out of memory (maxmemory reached, noeviction); nothing was stored. An operator must free memory or raise maxmemory',
    undefined,
    { 'Retry-After': '60' },
  );
}

/** True for Redis's refusal of a write when maxmemory is reached under noeviction. */
function isOutOfMemory(error: unknown): boolean {
  const message = (error as { message?: unknown } | null)?.message;
  return typeof message === 'string' && message.startsWith('OOM ');
}

/** True when the connection can take commands now. */
export function isRedisReady(connection: RedisClient): boolean {
  return connection.status === 'ready';
}

/** Guards every Redis-backed operation of the HTTP surface. */
export interface RedisGate {
  connection: RedisClient;
  /** True while Redis is known to be down: the connection failed and has not been ready since. */
  down(): boolean;
  /**
   * Runs a Redis-backed operation with a deadline and turns a lost Redis into a 503. BullMQ waits
   * for a connection to become ready before it sends anything, so without the deadline a request
   * against a dead Redis would hang for as long as ioredis keeps reconnecting; with Redis known
   * down, it fails at once.
   *
   * A timed-out operation may still complete later. That is safe because job ids are idempotent
   * (Idempotency-Key or payload hash): the client's retry collapses into the same job.
   */
  run<T>(operation: () => Promise<T>, timeoutMs?: number): Promise<T>;
}

/** True for errors that mean Redis, not our code, failed: a lost connection or a refused write (OOM, READONLY). */
function isRedisFailure(error: unknown, connection: RedisClient): boolean {
  if (!isRedisReady(connection)) return true;
  const name = (error as { name?: unknown } | null)?.name;
  return name === 'ReplyError' || name === 'MaxRetriesPerRequestError' || name === 'ConnectionClosedError';
}

/**
 * Watches the connection: while it fails, requests that need Redis are answered 503 at once. Its
 * errors go to the outage log (one line when an outage starts, one a minute, one when it ends),
 * since ioredis reports every failed reconnect.
 */
export function createRedisGate(
  connection: RedisClient,
  options: { timeoutMs: number; logger: Logger; outage?: RedisOutageLog },
): RedisGate {
  const outage = options.outage ?? new RedisOutageLog({ sink: options.logger });
  let failing = false;
  connection.on('error', (error: Error) => {
    failing = true;
    outage.error(error, 'http');
  });
  connection.on('ready', () => {
    failing = false;
    outage.available();
  });

  const down = (): boolean => failing && !isRedisReady(connection);
  return {
    connection,
    down,
    async run(operation, timeoutMs = options.timeoutMs) {
      if (down()) throw redisUnavailable();
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<never>((_resolve, reject) => {
        timer = setTimeout(() => reject(redisUnavailable()), timeoutMs);
      });
      try {
        return await Promise.race([operation(), deadline]);
      } catch (error) {
        if (error instanceof ApiError || error instanceof PayloadInvalidError) throw error;
        if (isOutOfMemory(error)) throw redisFull();
        if (isRedisFailure(error, connection)) throw redisUnavailable();
        throw error;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
