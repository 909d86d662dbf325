import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { QUEUE_NAMES } from '../../../src/queues/queue-names';
import { createOnboardingProducer } from '../../../src/queues/onboarding-producer';
import type { ProcessGroup } from '../support/child-process';
import { startChaosRedis } from '../support/chaos-redis';
import { chaosPrefix, onboardingPayloads } from '../support/chaos-stack';
import { reportScenario } from '../support/scenario-report';

/** What the producer said while Redis was full, and after. */
export interface MemoryFullResult {
  attempts: number;
  /** Error messages of the refused enqueues (empty string = it resolved instead). */
  errors: string[];
  /** Enqueues that resolved although Redis was full. */
  resolvedWhileFull: number;
  /** Refused jobs found in Redis afterwards (a refusal that stored the job anyway). */
  storedAnyway: number;
  /** Resolved enqueues whose job is not in Redis: the silent drop this scenario hunts. */
  silentlyDropped: number;
  recoveredAfterFree: boolean;
}

/**
 * Scenario 5: Redis at its maxmemory with `noeviction`. Every enqueue through the library entry
 * must fail with an error the caller can see; none may resolve and leave no job behind. Once memory
 * is freed, enqueueing works again.
 */
export async function runMemoryFullScenario(
  group: ProcessGroup,
  options: { attempts: number },
): Promise<MemoryFullResult> {
  const redis = await startChaosRedis(group, { maxmemory: '8mb' });
  const prefix = chaosPrefix('oom');
  const filler = new Redis(redis.url, { maxRetriesPerRequest: 1 });
  group.defer(() => filler.disconnect());
  const chunk = 'x'.repeat(64 * 1024);
  for (let i = 0; ; i += 1) {
    try {
      await filler.set(`filler:${i}`, chunk);
    } catch (error) {
      if (/OOM/.test(String(error))) break;
      throw error;
    }
    if (i > 10_000) throw new Error('Redis never reported OOM: is maxmemory set?');
  }

  const producer = createOnboardingProducer({ connection: redis.url, prefix });
  group.defer(() => producer.close().catch(() => undefined));
  const items = onboardingPayloads(options.attempts + 1, 7_000_000);
  const errors: string[] = [];
  const resolvedIds: string[] = [];
  for (const item of items.slice(0, options.attempts)) {
    try {
      resolvedIds.push((await producer.enqueue(item.payload)).jobId);
      errors.push('');
    } catch (error) {
      errors.push((error as Error).message);
    }
  }
  const queue = new Queue(QUEUE_NAMES.onboarding, { connection: filler, prefix });
  group.defer(() => queue.close());
  const stored = (await queue.getJobCounts('waiting', 'delayed', 'prioritized')) as Record<string, number>;
  const storedTotal = Object.values(stored).reduce((a, b) => a + b, 0);
  const present = await Promise.all(resolvedIds.map((id) => queue.getJobState(id)));
  const silentlyDropped = present.filter((s) => s === 'unknown').length;

  // Free the memory: the next enqueue must go through again.
  const keys = await filler.keys('filler:*');
  for (let i = 0; i < keys.length; i += 500) await filler.del(...keys.slice(i, i + 500));
  let recoveredAfterFree: boolean;
  try {
    const last = items[options.attempts] as { payload: unknown };
    const { jobId } = await producer.enqueue(last.payload);
    recoveredAfterFree = (await queue.getJobState(jobId)) === 'waiting';
  } catch {
    recoveredAfterFree = false;
  }
  const result: MemoryFullResult = {
    attempts: options.attempts,
    errors,
    resolvedWhileFull: resolvedIds.length,
    storedAnyway: storedTotal - resolvedIds.length,
    silentlyDropped,
    recoveredAfterFree,
  };
  reportScenario({
    scenario: 'memory-full',
    jobs: options.attempts,
    lost: silentlyDropped,
    duplicates: 0,
    recoverMs: null,
    refused: errors.filter(Boolean).length,
    resolvedWhileFull: resolvedIds.length,
    storedAnyway: result.storedAnyway,
    recoveredAfterFree,
    firstError: errors.find(Boolean)?.slice(0, 80),
  });
  return result;
}
