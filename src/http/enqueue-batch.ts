import type { EnqueueOptions, OnboardingProducer } from '../queues/onboarding-producer';
import { statusUrl } from './status-url';
import type { RedisGate } from './redis-availability';

/** One valid record of a batch: where it stood in the request, and what to enqueue. */
export interface BatchItem {
  at: number;
  payload: unknown;
  options?: EnqueueOptions;
}

/** What a batch answers for one stored record. */
export interface BatchItemResult {
  at: number;
  status: 'accepted' | 'duplicate';
  jobId: string;
  statusUrl: string;
}

/**
 * Stores a batch's valid records with one `enqueueMany` (one addBulk), as the NDJSON intake and
 * the CloudEvents batch both do, and tells each record's place whether it was new.
 */
export async function enqueueBatch(
  producer: OnboardingProducer,
  redis: RedisGate,
  items: BatchItem[],
): Promise<BatchItemResult[]> {
  const enqueued = await redis.run(() =>
    producer.enqueueMany(items.map(({ payload, options }) => ({ payload, options }))),
  );
  return enqueued.map((result, i) => ({
    at: (items[i] as BatchItem).at,
    status: result.created ? 'accepted' : 'duplicate',
    jobId: result.jobId,
    statusUrl: statusUrl(result.jobId),
  }));
}
