import { createRedisConnection } from '../../../src/queues/connection';
import { luaScript } from '../../../src/queues/redis-script';
import { testPrefix, testRedisUrl } from '../../support/redis';

// ledger-release answers 0 when there is no claim to release: a script whose answer is known.
const RELEASE = luaScript(`${__dirname}/../../../src/queues`, 'ledger-release');

describe('Lua scripts as ioredis commands', () => {
  it('runs a script first used while an auto pipeline is pending, and keeps that batch intact', async () => {
    const redis = createRedisConnection(testRedisUrl(), 'http');
    const key = `${testPrefix('script')}:k`;
    try {
      await redis.set(key, 'v');
      // Same tick: the GET opens an auto pipeline before the script's command is defined.
      const [value, released, again] = await Promise.all([
        redis.get(key),
        RELEASE(redis, [`${key}:ledger`], ['job-1']),
        redis.get(key),
      ]);
      expect([value, released, again]).toEqual(['v', 0, 'v']);
    } finally {
      await redis.del(key);
      await redis.quit();
    }
  });
});
