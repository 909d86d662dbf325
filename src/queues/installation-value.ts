import type { RedisClient } from './connection';

/**
 * A value every process of an installation agrees on: `configured` when given, else the first one
 * any process wrote to `key` (SET NX, first writer wins) and keeps. Read once, then cached.
 * `what` names the value in the error when it cannot be read back.
 */
export function installationValue(
  redis: RedisClient,
  key: string,
  create: () => string,
  what: string,
  configured?: string,
): () => Promise<string> {
  let cached = configured || undefined;
  return async () => {
    if (cached) return cached;
    await redis.set(key, create(), 'NX');
    cached = (await redis.get(key)) ?? undefined;
    if (!cached) throw new Error(`could not read ${what} back from Redis`);
    return cached;
  };
}
