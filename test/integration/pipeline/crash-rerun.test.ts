import { Queue, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { DEAD_LETTER_CODES } from '../../../src/contracts/dead-letter-record';
import { EVENT_TYPES } from '../../../src/contracts/events';
import {
  readJobData,
  type OnboardingJobData,
  type OnboardingJobResult,
} from '../../../src/contracts/onboarding-job';
import { createLogger } from '../../../src/logger';
import { createRopoBreaker } from '../../../src/pipeline/circuit-breaker';
import { createOnboardingProcessor } from '../../../src/pipeline/onboarding-processor';
import { createQueueControl } from '../../../src/pipeline/queue-control';
import { createAttemptLog } from '../../../src/queues/attempt-log';
import { createRedisConnection } from '../../../src/queues/connection';
import { createDeadLetterWriter } from '../../../src/queues/dead-letter-queue';
import { createEventOutbox } from '../../../src/queues/event-outbox';
import { createEventPublisher, type EventPublisher } from '../../../src/queues/event-publisher';
import { createLedger, type OnboardingLedger } from '../../../src/queues/onboarding-ledger';
import { createOnboardingProducer } from '../../../src/queues/onboarding-producer';
import { QUEUE_NAMES } from '../../../src/queues/queue-names';
import { createRopoClient } from '../../../src/ropo/ropo-client';
import { SANDBOX_APICODE, SANDBOX_CID, startSandbox } from '../../../src/sandbox';
import { waitForOutboxDrained } from '../../support/outbox';
import { businessIds, completePayload } from '../../support/payloads';
import { testPrefix, testRedisUrl } from '../../support/redis';

type OnboardingJob = Job<OnboardingJobData, OnboardingJobResult>;

/**
 * A processor on a fresh prefix with the real sandbox, Redis queues and ledger; `events` wraps the real
 * publisher (to simulate a crash), `withOutbox` gives the ledger the outbox the worker gives it.
 */
async function crashFixture(options: {
  name: string;
  withOutbox: boolean;
  events?: (real: EventPublisher) => EventPublisher;
}) {
  const prefix = testPrefix(options.name);
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
  const events = options.events?.(realEvents) ?? realEvents;
  const deadLetters = createDeadLetterWriter(connection, prefix);
  const producer = createOnboardingProducer({ connection, prefix });
  const outbox = options.withOutbox ? createEventOutbox(connection, prefix, { logger }) : undefined;
  const ledger: OnboardingLedger = createLedger(connection, prefix, 'sandbox', { outbox });
  const processor = createOnboardingProcessor({
    ropo,
    events,
    deadLetters,
    attempts: createAttemptLog(onboarding),
    ledger,
    breaker: createRopoBreaker({ threshold: 5, halfOpenAfterMs: 1000, logger }),
    control: createQueueControl(onboarding),
    logger,
  });
  return {
    sandbox,
    connection,
    prefix,
    processor,
    producer,
    ledger,
    deadLetters,
    /** The job as a worker that picks it up now reads it from Redis. */
    load: async (jobId: string) => (await onboarding.getJob(jobId)) as OnboardingJob,
    eventsOnQueue: async () => {
      if (outbox) await waitForOutboxDrained(connection, prefix);
      return (await eventsQueue.getJobs(['waiting'])).map((j) => j.data as { type: string; id: string });
    },
    async close() {
      await outbox?.close();
      await producer.close();
      await deadLetters.close();
      await events.close();
      for (const queue of [onboarding, eventsQueue]) {
        await queue.obliterate({ force: true });
        await queue.close();
      }
      await ropo.close();
      await sandbox.close();
      await connection.quit();
    },
  };
}

describe('a crash between the POST and the job completing', () => {
  it('re-running the job makes no second POST and publishes one event', async () => {
    let crashes = 1;
    // The process "dies" right after Ropo One answered and the ledger recorded it.
    const fixture = await crashFixture({
      name: 'crash',
      withOutbox: false,
      events: (real) => ({
        async publish(event) {
          if (crashes-- > 0) throw new Error('simulated crash: process killed');
          await real.publish(event);
        },
        close: () => real.close(),
      }),
    });
    const { processor, producer, sandbox } = fixture;
    try {
      const [businessId] = businessIds(1, 7_000_000) as [string];
      const { jobId } = await producer.enqueue(completePayload(businessId));
      const job = await fixture.load(jobId);

      await expect(processor(job)).rejects.toThrow('simulated crash');
      expect(sandbox.stats().createProfileCalls).toBe(1);

      // BullMQ's stalled-job check would hand the job to another worker; it runs again.
      const result = await processor(job);
      const again = await processor(job);

      expect(result).toMatchObject({ outcome: 'created', businessId });
      expect(again).toEqual(result);
      expect(sandbox.stats().createProfileCalls).toBe(1);
      expect(sandbox.creations().find((c) => c.businessId === businessId)?.count).toBe(1);
      const events = await fixture.eventsOnQueue();
      expect(events.map((e) => e.type)).toEqual([EVENT_TYPES.created]);
      expect(events[0]?.id).toBe(result.eventId);
    } finally {
      await fixture.close();
    }
  });

  it('a job that dies after its outcome and stub were recorded completes from the ledger when it runs again', async () => {
    const fixture = await crashFixture({ name: 'crash-stripped', withOutbox: true });
    const { processor, producer, sandbox } = fixture;
    try {
      const [businessId] = businessIds(1, 7_100_000) as [string];
      const { jobId } = await producer.enqueue(completePayload(businessId));

      // The processor returns, but its worker dies before BullMQ marks the job completed.
      const first = await processor(await fixture.load(jobId));
      const left = await fixture.load(jobId);
      // The settle script stripped the payload in the same trip as the outcome.
      expect(readJobData(left.data)).toMatchObject({
        stripped: true,
        payload: { customer_info: { business_id: businessId } },
      });
      expect(JSON.stringify(left.data)).not.toContain('@');

      const rerun = await processor(left);

      expect(rerun).toEqual(first);
      expect(first).toMatchObject({ outcome: 'created', businessId });
      expect(sandbox.stats().createProfileCalls).toBe(1);
      expect(await fixture.deadLetters.exists(jobId)).toBe(false);
      // The same event id twice (the outbox's, then the re-run's): consumers drop it by id.
      const events = await fixture.eventsOnQueue();
      expect(new Set(events.map((e) => e.id))).toEqual(new Set([first.eventId]));
    } finally {
      await fixture.close();
    }
  });

  it('a stripped job whose outcome was erased meanwhile is dead-lettered with the reason, not sent', async () => {
    const fixture = await crashFixture({ name: 'crash-erased', withOutbox: true });
    const { processor, producer, sandbox } = fixture;
    try {
      const [businessId] = businessIds(1, 7_200_000) as [string];
      const { jobId } = await producer.enqueue(completePayload(businessId));
      await processor(await fixture.load(jobId));
      await fixture.ledger.remove(businessId);

      await expect(processor(await fixture.load(jobId))).rejects.toThrow(
        `${DEAD_LETTER_CODES.payloadInvalid}: the payload was stripped`,
      );
      expect(sandbox.stats().createProfileCalls).toBe(1);
      expect(await fixture.deadLetters.exists(jobId)).toBe(true);
    } finally {
      await fixture.close();
    }
  });
});
