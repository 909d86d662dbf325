import { createLogger } from '../../../src/logger';
import { createRedisConnection } from '../../../src/queues/connection';
import { createRedisGate } from '../../../src/http/redis-availability';
import { ApiError } from '../../../src/http/errors';
import { testRedisUrl } from '../../support/redis';

describe('the HTTP surface’s Redis gate', () => {
  it('answers 507 REDIS_FULL, not "unreachable", when Redis refuses a write for lack of memory', async () => {
    const connection = createRedisConnection(testRedisUrl(), 'producer');
    try {
      await connection.ping();
      const gate = createRedisGate(connection, { timeoutMs: 2000, logger: createLogger({ level: 'error' }) });
      const oom = Object.assign(new Error("OOM command not allowed when used memory > 'maxmemory'."), {
        name: 'ReplyError',
      });
      const error = await gate.run(() => Promise.reject(oom)).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ApiError);
      expect(error).toMatchObject({ status: 507, code: 'REDIS_FULL' });
    } finally {
      await connection.quit();
    }
  });
});
