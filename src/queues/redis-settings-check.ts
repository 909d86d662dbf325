import type { RedisClient } from './connection';

/**
 * BullMQ's production guide: AOF on (a crash must not lose acknowledged jobs) and
 * `maxmemory-policy noeviction` (an evicted key is a silently lost job). Returns what is off.
 */
export async function checkRedisSettings(client: RedisClient): Promise<string[]> {
  const warnings: string[] = [];
  try {
    const read = async (name: string): Promise<string | undefined> => {
      const reply = (await client.config('GET', name)) as string[];
      return reply[1];
    };
    if ((await read('appendonly')) !== 'yes') {
      warnings.push('Redis has AOF off (appendonly no): a Redis crash can lose acknowledged jobs');
    }
    const policy = await read('maxmemory-policy');
    if (policy !== 'noeviction') {
      warnings.push(
        `Redis maxmemory-policy is ${policy}, not noeviction: Redis may evict jobs when memory is full`,
      );
    }
  } catch {
    warnings.push('could not read the Redis settings (CONFIG GET refused); check AOF and noeviction by hand');
  }
  return warnings;
}
