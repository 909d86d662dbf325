import { Writable } from 'node:stream';
import { Queue } from 'bullmq';
import { createBridgeCore } from '../../../src/bridges/bridge-core';
import type { DeadLetterRecord } from '../../../src/contracts/dead-letter-record';
import { createLogger } from '../../../src/logger';
import { createMetricsRegistry } from '../../../src/pipeline/prometheus-observer';
import { createRedisConnection } from '../../../src/queues/connection';
import { createDeadLetterWriter } from '../../../src/queues/dead-letter-queue';
import { createOnboardingProducer, type OnboardingProducer } from '../../../src/queues/onboarding-producer';
import { QUEUE_NAMES } from '../../../src/queues/queue-names';
import { businessIds, minimalPayload } from '../../support/payloads';
import { testPrefix, testRedisUrl } from '../../support/redis';

describe('bridge core batching', () => {
  const prefix = testPrefix('batching');
  const connection = createRedisConnection(testRedisUrl(), 'producer');
  const real = createOnboardingProducer({ connection, prefix });
  const batches: number[] = [];
  // The real producer, counting how many records each call stores.
  const producer: OnboardingProducer = {
    ...real,
    enqueueMany(items) {
      batches.push(items.length);
      return real.enqueueMany(items);
    },
  };
  const deadLetters = createDeadLetterWriter(connection, prefix);
  const onboarding = new Queue(QUEUE_NAMES.onboarding, { connection, prefix });
  const deadLetterQueue = new Queue<DeadLetterRecord>(QUEUE_NAMES.deadLetter, { connection, prefix });
  const core = createBridgeCore({
    bridge: 'nats',
    producer,
    deadLetters,
    logger: createLogger({ stream: new Writable({ write: (_c, _e, callback) => callback() }) }),
    registry: createMetricsRegistry(),
    maxBacklog: 0,
    backlog: async () => 0,
  });

  afterAll(async () => {
    core.stop();
    await Promise.all([real.close(), deadLetters.close(), onboarding.close(), deadLetterQueue.close()]);
    await connection.quit();
  });

  it('stores messages delivered together in one call; an invalid one and a repeat are sorted out, alone', async () => {
    const ids = businessIds(6, 3_300_000);
    const body = (payload: unknown) => Buffer.from(JSON.stringify(payload));
    const outcomes = await Promise.all([
      core.handle(body(minimalPayload(ids[0] as string)), 'b-0'),
      core.handle(body(minimalPayload(ids[1] as string)), 'b-1'),
      core.handle(
        body({ customer_info: { business_id: '1234567-8' }, contact_person: { email: 'x@example.com' } }),
        'b-bad',
      ),
      core.handle(body(minimalPayload(ids[2] as string)), 'b-2'),
      core.handle(body(minimalPayload(ids[0] as string)), 'b-0'), // the broker redelivered b-0
      core.handle(body(minimalPayload(ids[3] as string)), 'b-3'),
    ]);
    expect(outcomes).toEqual(['stored', 'stored', 'invalid', 'stored', 'duplicate', 'stored']);
    expect(batches[0]).toBe(6); // one call for everything delivered in the same tick
    const jobs = await onboarding.getJobs(['waiting']);
    expect(jobs.map((j) => j.id).sort()).toEqual(['evt-b-0', 'evt-b-1', 'evt-b-2', 'evt-b-3']);
    const [record] = await deadLetterQueue.getJobs(['waiting']);
    expect(record?.data).toMatchObject({ eventId: 'b-bad', reason: { code: 'PAYLOAD_INVALID' } });
  });
});
