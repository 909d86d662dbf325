import { Queue, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { OnboardingJobData, OnboardingJobResult } from '../../src/contracts/onboarding-job';
import { createLogger } from '../../src/logger';
import { createRopoBreaker } from '../../src/pipeline/circuit-breaker';
import { createOnboardingProcessor } from '../../src/pipeline/onboarding-processor';
import { createQueueControl } from '../../src/pipeline/queue-control';
import { createAttemptLog } from '../../src/queues/attempt-log';
import { createRedisConnection, type RedisClient } from '../../src/queues/connection';
import { createDeadLetterWriter } from '../../src/queues/dead-letter-queue';
import { outboxKey } from '../../src/queues/event-outbox';
import { createEventPublisher, type EventPublisher } from '../../src/queues/event-publisher';
import { createLedger, type OnboardingLedger } from '../../src/queues/onboarding-ledger';
import { createOnboardingProducer } from '../../src/queues/onboarding-producer';
import { QUEUE_NAMES } from '../../src/queues/queue-names';
import { createRopoClient } from '../../src/ropo/ropo-client';
import { SANDBOX_APICODE, SANDBOX_CID, startSandbox } from '../../src/sandbox';
import { testPrefix, testRedisUrl } from './redis';

/** An onboarding job as a worker reads it from Redis. */
export type OnboardingJob = Job<OnboardingJobData, OnboardingJobResult>;

/** Options of {@link startProcessorFixture}. */
export interface ProcessorFixtureOptions {
  /** Names the fresh prefix. */
  name: string;
  /** Wraps the real event publisher, e.g. to simulate a crash while publishing. */
  events?: (real: EventPublisher) => EventPublisher;
  /** The ledger the processor uses; default the `sandbox` target's, without an outbox. */
  ledger?: (connection: RedisClient, prefix: string) => OnboardingLedger;
}

/**
 * The onboarding processor on a fresh prefix, called directly (no BullMQ Worker), so a test decides
 * when a job "crashes" and runs again: the real sandbox, Redis queues, producer and ledger.
 */
export async function startProcessorFixture(options: ProcessorFixtureOptions) {
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
  const ledger = options.ledger?.(connection, prefix) ?? createLedger(connection, prefix, 'sandbox');
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
    onboarding,
    eventsQueue,
    /** The job as a worker that picks it up now reads it from Redis. */
    load: async (jobId: string) => (await onboarding.getJob(jobId)) as OnboardingJob,
    /** Closes what the fixture opened (a relay the test made in `ledger` is the test's to close first). */
    async close() {
      await producer.close();
      await deadLetters.close();
      await events.close();
      for (const queue of [onboarding, eventsQueue]) {
        await queue.obliterate({ force: true });
        await queue.close();
      }
      await connection.del(outboxKey(prefix));
      await ropo.close();
      await sandbox.close();
      await connection.quit();
    },
  };
}
