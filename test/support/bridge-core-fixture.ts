import { Writable } from 'node:stream';
import { Queue } from 'bullmq';
import { createBridgeCore, type BridgeCore, type BridgeCoreDeps } from '../../src/bridges/bridge-core';
import type { DeadLetterRecord } from '../../src/contracts/dead-letter-record';
import { createLogger } from '../../src/logger';
import { createMetricsRegistry } from '../../src/pipeline/prometheus-observer';
import { createRedisConnection } from '../../src/queues/connection';
import { createDeadLetterWriter } from '../../src/queues/dead-letter-queue';
import { createOnboardingProducer, type OnboardingProducer } from '../../src/queues/onboarding-producer';
import { QUEUE_NAMES } from '../../src/queues/queue-names';
import { testPrefix, testRedisUrl } from './redis';

/** A bridge core on the test Redis with the real producer and dead-letter writer, and what a test reads back. */
export interface BridgeCoreFixture {
  core: BridgeCore;
  onboarding: Queue;
  deadLetterQueue: Queue<DeadLetterRecord>;
  /** Every log line the core wrote, as written. */
  logLines: string[];
  close(): Promise<void>;
}

/**
 * Opens a {@link BridgeCoreFixture} under its own prefix. `wrap` sees the real producer first (to
 * count its calls, say); `deps` sets the rest of the core's options (bridge name, mapper, types).
 */
export function openBridgeCoreFixture(
  name: string,
  deps: Partial<Omit<BridgeCoreDeps, 'producer' | 'deadLetters' | 'logger'>> = {},
  wrap: (producer: OnboardingProducer) => OnboardingProducer = (producer) => producer,
): BridgeCoreFixture {
  const prefix = testPrefix(name);
  const connection = createRedisConnection(testRedisUrl(), 'producer');
  const producer = createOnboardingProducer({ connection, prefix });
  const deadLetters = createDeadLetterWriter(connection, prefix);
  const onboarding = new Queue(QUEUE_NAMES.onboarding, { connection, prefix });
  const deadLetterQueue = new Queue<DeadLetterRecord>(QUEUE_NAMES.deadLetter, { connection, prefix });
  const logLines: string[] = [];
  const logger = createLogger({
    stream: new Writable({
      write(chunk: Buffer, _encoding, callback) {
        logLines.push(chunk.toString('utf8'));
        callback();
      },
    }),
  });
  const core = createBridgeCore({
    bridge: 'amqp',
    registry: createMetricsRegistry(),
    backlog: { overLimit: async () => undefined },
    ...deps,
    producer: wrap(producer),
    deadLetters,
    logger,
  });
  return {
    core,
    onboarding,
    deadLetterQueue,
    logLines,
    async close() {
      core.stop();
      await Promise.all([producer.close(), deadLetters.close(), onboarding.close(), deadLetterQueue.close()]);
      await connection.quit();
    },
  };
}
