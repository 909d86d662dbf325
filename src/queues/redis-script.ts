import { createHash } from 'node:crypto';
import type { RedisClient } from './connection';

/** A Lua script run by its SHA1 (EVALSHA), sent in full only when the server does not know it yet. */
export type RedisScript = (redis: RedisClient, keys: string[], args: (string | number)[]) => Promise<unknown>;

/** Wraps a Lua script so that each call sends 40 bytes of hash instead of the whole script text. */
export function redisScript(lua: string): RedisScript {
  const sha = createHash('sha1').update(lua).digest('hex');
  return async (redis, keys, args) => {
    try {
      return await redis.evalsha(sha, keys.length, ...keys, ...args);
    } catch (error) {
      // After a restart or a SCRIPT FLUSH the server has forgotten it: EVAL also caches it again.
      if (!String((error as Error).message).startsWith('NOSCRIPT')) throw error;
      return redis.eval(lua, keys.length, ...keys, ...args);
    }
  };
}
