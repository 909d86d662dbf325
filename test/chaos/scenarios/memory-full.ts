import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { QUEUE_NAMES } from '../../../src/queues/queue-names';
import { createOnboardingProducer } from '../../../src/queues/onboarding-producer';
import type { ProcessGroup } from '../support/child-process';
import { startChaosRedis } from '../support/chaos-redis';
import { freePort } from '../../support/free-port';
import { ONBOARDING_BIN, REPO_ROOT } from '../support/sandbox-process';
import { chaosPrefix, onboardingPayloads } from '../support/chaos-stack';
import { reportScenario } from '../support/scenario-report';

/** Sizes of the memory-full scenario. */
export interface MemoryFullOptions {
  attempts: number;
  /** Also POST to the HTTP intake (`serve`), which costs a process start. */
  http: boolean;
}

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
  /** HTTP statuses `POST /v1/onboardings` answered while Redis was full. */
  httpStatuses: number[];
}

/** Starts the HTTP intake (`serve`) in its own process on the full Redis and POSTs each payload once. */
async function postWhileFull(
  group: ProcessGroup,
  redisUrl: string,
  prefix: string,
  items: { payload: unknown }[],
): Promise<number[]> {
  const httpPort = await freePort();
  const serve = group.spawn({
    name: 'serve',
    command: process.execPath,
    args: [ONBOARDING_BIN, 'serve'],
    cwd: REPO_ROOT,
    env: {
      NODE_ENV: 'test',
      REDIS_URL: redisUrl,
      QUEUE_PREFIX: prefix,
      HTTP_PORT: String(httpPort),
      INTAKE_TOKENS: 'chaos-token',
      ROPO_SANDBOX: 'true',
      // 'http ready' is an info line.
      LOG_LEVEL: 'info',
    },
  });
  await serve.waitForLine(/http ready/, 90_000);
  const statuses: number[] = [];
  for (const item of items) {
    const response = await fetch(`http://127.0.0.1:${httpPort}/v1/onboardings`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer chaos-token' },
      body: JSON.stringify(item.payload),
      signal: AbortSignal.timeout(15_000),
    });
    statuses.push(response.status);
  }
  return statuses;
}

/**
 * Scenario 5: Redis at its maxmemory with `noeviction`. Every enqueue through the library entry
 * must fail with an error the caller can see; none may resolve and leave no job behind. Once memory
 * is freed, enqueueing works again.
 */
export async function runMemoryFullScenario(
  group: ProcessGroup,
  options: MemoryFullOptions,
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
  const httpStatuses: number[] = [];
  if (options.http) httpStatuses.push(...(await postWhileFull(group, redis.url, prefix, items.slice(0, 20))));

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
    httpStatuses,
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
    httpStatuses: [...new Set(httpStatuses)].join('/'),
    firstError: errors.find(Boolean)?.slice(0, 80),
  });
  return result;
}
