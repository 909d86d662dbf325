import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { onboardingJobId } from '../../../src/contracts/onboarding-job';
import { QUEUE_NAMES } from '../../../src/queues/queue-names';
import { freePort } from '../../support/free-port';
import { businessIds, minimalPayload } from '../../support/payloads';
import { hasRedisServerBinary, spawnRedisServer } from '../../support/redis-server';
import { jsonInit, startHttpHarness } from './support/http-harness';

type ErrorBody = { error: { code: string } };

describe('HTTP surface with Redis unreachable', () => {
  it('answers 503 REDIS_UNAVAILABLE within a few seconds, never 202, and stores no job', async () => {
    const port = await freePort();
    const http = await startHttpHarness({ redisUrl: `redis://127.0.0.1:${port}` });
    const [businessId] = businessIds(1, 3_300_000) as [string];
    const payload = minimalPayload(businessId);
    try {
      // The very first request, before the connection has even failed once, must not hang either.
      for (let i = 0; i < 3; i++) {
        const started = Date.now();
        const response = await http.request('/v1/onboardings', jsonInit(payload));
        expect(response.status).toBe(503);
        expect(Date.now() - started).toBeLessThan(3000);
        expect(response.headers.get('retry-after')).toBe('5');
        expect(((await response.json()) as ErrorBody).error.code).toBe('REDIS_UNAVAILABLE');
      }
      const invalid = await http.request('/v1/onboardings', jsonInit(minimalPayload('1234567-8')));
      expect(invalid.status).toBe(422);
      await invalid.text();

      const batch = await http.request('/v1/onboardings/batch', {
        method: 'POST',
        headers: { 'content-type': 'application/x-ndjson' },
        body: JSON.stringify(payload),
      });
      expect(batch.status).toBe(503);
      await batch.text();
      // Ids of the shapes the service issues: a malformed one is 404 without asking Redis.
      for (const path of ['/v1/onboardings/evt-x', '/v1/dead-letters', '/v1/dead-letters/dl-evt-x']) {
        const response = await http.request(path);
        expect({ path, status: response.status }).toEqual({ path, status: 503 });
        await response.text();
      }
      const ready = await http.request('/readyz', { auth: false });
      expect(ready.status).toBe(503);
      expect(await ready.json()).toMatchObject({ ready: false, checks: { redis: { ok: false } } });
      const metrics = await http.request('/metrics', { auth: false });
      expect(metrics.status).toBe(200);
      expect(await metrics.text()).toMatch(/^onboarding_redis_up 0$/m);
      expect(http.logLines.some((line) => line.includes('"redis unavailable"'))).toBe(true);

      // A Redis appears where the app points: nothing the app was refused may arrive late.
      if (hasRedisServerBinary()) {
        const redis = await spawnRedisServer({ port });
        const client = new Redis(redis.url, { maxRetriesPerRequest: null });
        const queue = new Queue(QUEUE_NAMES.onboarding, { connection: client, prefix: http.prefix });
        try {
          const deadline = Date.now() + 10_000;
          while (http.connection.status !== 'ready' && Date.now() < deadline) {
            await new Promise((resolve) => setTimeout(resolve, 50));
          }
          await new Promise((resolve) => setTimeout(resolve, 300));
          expect(await queue.getJob(onboardingJobId(payload))).toBeUndefined();
          // Queues write only their version metadata when they connect.
          const keys = await client.keys(`${http.prefix}:*`);
          expect(keys.filter((key) => !key.endsWith(':meta'))).toEqual([]);
          // And once it is back, the same request is accepted.
          const accepted = await http.request('/v1/onboardings', jsonInit(payload));
          expect(accepted.status).toBe(202);
          await accepted.text();
        } finally {
          await queue.close();
          await client.quit();
          await redis.stop();
        }
      }
    } finally {
      await http.close();
    }
  });
});
