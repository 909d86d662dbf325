import { Queue, type JobsOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import { createOnboardingProducer } from '../../src/queues/onboarding-producer';
import { JOB_NAMES, QUEUE_NAMES } from '../../src/queues/queue-names';
import { businessIds, completePayload } from '../../test/support/payloads';
import type { WorkerKind } from './worker-control';

const CHUNK = 1_000;
const OUTCOME_POLL_MS = 100;

/** What the baseline's user would set: BullMQ's own exponential backoff, and the pipeline's retention. */
export const BASELINE_JOB_OPTIONS: JobsOptions = {
  attempts: 8,
  backoff: { type: 'exponential', delay: 1_000 },
  removeOnComplete: { age: 30 * 24 * 3600 },
  removeOnFail: false,
};

/**
 * `count` complete payloads (every field, so the sandbox creates rather than sends a wizard link),
 * distinct ids from `firstId` on (test/support/payloads' default unless given).
 */
export function benchPayloads(count: number, firstId?: number): Record<string, unknown>[] {
  return businessIds(count, firstId).map((id) => completePayload(id));
}

/** Enqueues with plain `queue.addBulk`, as the baseline's producer would. */
export async function addBulkPlain(queue: Queue, payloads: Record<string, unknown>[]): Promise<void> {
  for (let i = 0; i < payloads.length; i += CHUNK) {
    await queue.addBulk(
      payloads.slice(i, i + CHUNK).map((payload) => ({
        name: JOB_NAMES.onboardCustomer,
        data: { payload },
        opts: BASELINE_JOB_OPTIONS,
      })),
    );
  }
}

/** Enqueues through the library producer (`enqueueMany`: validation, job ids, `addBulk`, read-back). */
export async function enqueueThroughProducer(
  redis: Redis,
  prefix: string,
  payloads: Record<string, unknown>[],
): Promise<void> {
  const producer = createOnboardingProducer({ connection: redis, prefix });
  try {
    for (let i = 0; i < payloads.length; i += CHUNK) {
      await producer.enqueueMany(payloads.slice(i, i + CHUNK).map((payload) => ({ payload })));
    }
  } finally {
    await producer.close();
  }
}

/** The onboarding queue on the bench's prefix, for pausing, resuming and counting. */
export function onboardingQueue(redis: Redis, prefix: string): Queue {
  return new Queue(QUEUE_NAMES.onboarding, { connection: redis, prefix });
}

/** Fills a paused queue with the backlog each worker kind expects, so the clock starts at resume. */
export async function preloadBacklog(
  kind: WorkerKind,
  redis: Redis,
  prefix: string,
  payloads: Record<string, unknown>[],
): Promise<Queue> {
  const queue = onboardingQueue(redis, prefix);
  await queue.pause();
  if (kind === 'pipeline') await enqueueThroughProducer(redis, prefix, payloads);
  else await addBulkPlain(queue, payloads);
  return queue;
}

/** Waits until `jobs` jobs of the queue are completed or failed; throws after `timeoutMs`. */
export async function waitForOutcomes(queue: Queue, jobs: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const counts = await queue.getJobCounts('completed', 'failed');
    if ((counts.completed ?? 0) + (counts.failed ?? 0) >= jobs) return;
    if (Date.now() > deadline) {
      throw new Error(`backlog not drained within ${timeoutMs} ms: ${JSON.stringify(counts)} of ${jobs}`);
    }
    await new Promise((resolve) => setTimeout(resolve, OUTCOME_POLL_MS));
  }
}
