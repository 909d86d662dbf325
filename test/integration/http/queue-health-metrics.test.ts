import { Queue, Worker } from 'bullmq';
import { QUEUE_NAMES } from '../../../src/queues/queue-names';
import { createRedisConnection } from '../../../src/queues/connection';
import { testRedisUrl } from '../../support/redis';
import { waitFor } from '../../support/wait-for';
import { startHttpHarness } from './support/http-harness';
import { parsePrometheus, sampleValue } from './support/prometheus-text';

describe('/metrics: what the alerts on a stuck queue read', () => {
  it('reports the age of the oldest waiting job and how many workers consume each queue', async () => {
    const http = await startHttpHarness();
    const connection = createRedisConnection(testRedisUrl(), 'worker');
    const queue = new Queue(QUEUE_NAMES.onboarding, { connection, prefix: http.prefix });
    // BullMQ does not close a connection it was given: the test owns and closes it.
    const workerConnection = createRedisConnection(testRedisUrl(), 'worker');
    let worker: Worker | undefined;
    try {
      const scrape = async () => parsePrometheus(await (await http.request('/metrics')).text());
      const gauge = async (name: string) =>
        sampleValue(await scrape(), name, { queue: QUEUE_NAMES.onboarding });

      expect(await gauge('onboarding_queue_oldest_waiting_seconds')).toBe(0);
      expect(await gauge('onboarding_queue_workers')).toBe(0);

      await queue.add(
        'onboard-customer',
        { payload: {} },
        { jobId: 'oldest', timestamp: Date.now() - 90_000 },
      );
      await queue.add('onboard-customer', { payload: {} }, { jobId: 'newest' });
      const age = await gauge('onboarding_queue_oldest_waiting_seconds');
      expect(age).toBeGreaterThanOrEqual(90);
      expect(age).toBeLessThan(600);

      // A worker that never takes a job (paused locally) still counts as consuming.
      worker = new Worker(QUEUE_NAMES.onboarding, async () => undefined, {
        connection: workerConnection,
        prefix: http.prefix,
        autorun: false,
      });
      await worker.waitUntilReady();
      void worker.run();
      worker.pause(true);
      await waitFor(async () => (await gauge('onboarding_queue_workers')) === 1, 10_000);
    } finally {
      await worker?.close(true);
      await queue.close();
      await workerConnection.quit();
      await connection.quit();
      await http.close();
    }
  });
});
