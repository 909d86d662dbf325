import type { Redis } from 'ioredis';

/** One key with every value it holds, as text (its name included), for leak checks. */
export interface KeyContents {
  key: string;
  type: string;
  values: string[];
}

/**
 * Reads every key of the Redis (SCAN + TYPE, then GET, HGETALL, LRANGE, SMEMBERS, ZRANGE or XRANGE),
 * or only those matching `pattern` when values other test files share could be met.
 */
export async function everyRedisKey(redis: Redis, pattern = '*'): Promise<KeyContents[]> {
  const all: KeyContents[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    cursor = next;
    for (const key of keys) {
      const type = await redis.type(key);
      const values: string[] = [key];
      if (type === 'string') values.push((await redis.get(key)) ?? '');
      else if (type === 'hash') values.push(...Object.entries(await redis.hgetall(key)).flat());
      else if (type === 'list') values.push(...(await redis.lrange(key, 0, -1)));
      else if (type === 'set') values.push(...(await redis.smembers(key)));
      else if (type === 'zset') values.push(...(await redis.zrange(key, 0, -1)));
      else if (type === 'stream')
        values.push(...(await redis.xrange(key, '-', '+')).flatMap(([id, f]) => [id, ...f]));
      else if (type !== 'none') throw new Error(`unread Redis type ${type} at ${key}`);
      all.push({ key, type, values });
    }
  } while (cursor !== '0');
  return all;
}

/** The keys (with their type) holding any of `needles` anywhere: in the name or a value. */
export async function keysHolding(
  redis: Redis,
  needles: readonly string[],
  pattern = '*',
): Promise<string[]> {
  const found: string[] = [];
  for (const { key, type, values } of await everyRedisKey(redis, pattern)) {
    const hits = needles.filter((needle) => values.some((value) => value.includes(needle)));
    if (hits.length > 0) found.push(`${type} ${key}: ${hits.join(', ')}`);
  }
  return found;
}
