import { Queue, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { EVENT_TYPES } from '../../../src/contracts/events';
import type { OnboardingJobData, OnboardingJobResult } from '../../../src/contracts/onboarding-job';
import { createLogger } from '../../../src/logger';
import { createRopoBreaker } from '../../../src/pipeline/circuit-breaker';
import { createOnboardingProcessor } from '../../../src/pipeline/onboarding-processor';
import { createQueueControl } from '../../../src/pipeline/queue-control';
import { createAttemptLog } from '../../../src/queues/attempt-log';
import { createRedisConnection } from '../../../src/queues/connection';
import { createDeadLetterWriter } from '../../../src/queues/dead-letter-queue';
import { createEventPublisher, type EventPublisher } from '../../../src/queues/event-publisher';
import { createLedger } from '../../../src/queues/onboarding-ledger';
import { createOnboardingProducer } from '../../../src/queues/onboarding-producer';
import { QUEUE_NAMES } from '../../../src/queues/queue-names';
import { createRopoClient } from '../../../src/ropo/ropo-client';
import { SANDBOX_APICODE, SANDBOX_CID, startSandbox } from '../../../src/sandbox';
import { businessIds, completePayload } from '../../support/payloads';
import { testPrefix, testRedisUrl } from '../../support/redis';

describe('a crash between the POST and the job completing', () => {
  it('re-running the job makes no second POST and publishes one event', async () => {
    const prefix = testPrefix('crash');
    const sandbox = await startSandbox({ port: 0 });
    const connection = createRedisConnection(testRedisUrl(), 'worker');
    const logger = createLogger({ level: 'error' });
    const ropo = createRopoClient({
      baseUrl: sandbox.baseUrl,
      cid: SANDBOX_CID,
      apicode: SANDBOX_APICODE,
      redis: connection as Redis,
      keyPrefix: prefix,
      logger,
    });
    const onboarding = new Queue<OnboardingJobData, OnboardingJobResult>(QUEUE_NAMES.onboarding, {
      connection,
      prefix,
    });
    const eventsQueue = new Queue(QUEUE_NAMES.events, { connection, prefix });
    const realEvents = createEventPublisher(connection, prefix);
    const deadLetters = createDeadLetterWriter(connection, prefix);
    const producer = createOnboardingProducer({ connection, prefix });
    let crashes = 1;
    // The process "dies" right after Ropo One answered and the ledger recorded it.
    const crashingEvents: EventPublisher = {
      async publish(event) {
        if (crashes-- > 0) throw new Error('simulated crash: process killed');
        await realEvents.publish(event);
      },
      close: () => realEvents.close(),
    };
    const processor = createOnboardingProcessor({
      ropo,
      events: crashingEvents,
      deadLetters,
      attempts: createAttemptLog(onboarding),
      ledger: createLedger(connection, prefix, 'sandbox'),
      breaker: createRopoBreaker({ threshold: 5, halfOpenAfterMs: 1000, logger }),
      control: createQueueControl(onboarding),
      logger,
    });
    try {
      const [businessId] = businessIds(1, 7_000_000) as [string];
      const { jobId } = await producer.enqueue(completePayload(businessId));
      const job = (await onboarding.getJob(jobId)) as Job<OnboardingJobData, OnboardingJobResult>;

      await expect(processor(job)).rejects.toThrow('simulated crash');
      expect(sandbox.stats().createProfileCalls).toBe(1);

      // BullMQ's stalled-job check would hand the job to another worker; it runs again.
      const result = await processor(job);
      const again = await processor(job);

      expect(result).toMatchObject({ outcome: 'created', businessId });
      expect(again).toEqual(result);
      expect(sandbox.stats().createProfileCalls).toBe(1);
      expect(sandbox.creations().find((c) => c.businessId === businessId)?.count).toBe(1);
      const events = (await eventsQueue.getJobs(['waiting'])).map(
        (j) => j.data as { type: string; id: string },
      );
      expect(events.map((e) => e.type)).toEqual([EVENT_TYPES.created]);
      expect(events[0]?.id).toBe(result.eventId);
    } finally {
      await producer.close();
      await deadLetters.close();
      await crashingEvents.close();
      for (const queue of [onboarding, eventsQueue]) {
        await queue.obliterate({ force: true });
        await queue.close();
      }
      await ropo.close();
      await sandbox.close();
      await connection.quit();
    }
  });
});
