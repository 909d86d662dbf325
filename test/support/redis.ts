import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';

/** The Redis URL the harness set up for this run (global-setup puts it in REDIS_URL). */
export function testRedisUrl(): string {
  const url = process.env.REDIS_URL;
  if (!url) throw new Error('REDIS_URL is not set: the jest global setup did not run');
  return url;
}

/** A queue prefix of its own for each test file, so that files running in parallel never share keys. */
export function testPrefix(label = 'test'): string {
  return `${label}-${randomBytes(4).toString('hex')}`;
}

/** A plain ioredis client on the test Redis; the caller closes it with `quit()`. */
export function testRedisClient(): Redis {
  return new Redis(testRedisUrl(), { maxRetriesPerRequest: null, lazyConnect: false });
}
