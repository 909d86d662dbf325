import { createRedisConnection } from '../../../src/queues/connection';
import { createOnboardingProducer } from '../../../src/queues/onboarding-producer';
import type { ProcessGroup } from '../support/child-process';
import { creationTally, onboardingPayloads, sleep, startChaosStack } from '../support/chaos-stack';
import { eventCountsOffByOne, type OutcomeCount } from '../support/queue-inspector';
import { reportScenario } from '../support/scenario-report';

/** Sizes of the Redis-crash scenario. */
export interface RedisCrashOptions {
  /** Worker processes (default 2; the short variants use 1 to stay fast). */
  workers?: number;
  /** Enqueue attempts in all (some fail while Redis is down: those were never acknowledged). */
  jobs: number;
  /** Enqueue pace, ms between enqueues. */
  paceMs: number;
  /** When to crash Redis, ms after enqueueing started. */
  crashAfterMs: number;
  /** How long Redis stays down. */
  downMs: number;
  seed: number;
  drainTimeoutMs: number;
}

/** What the scenario counted. */
export interface RedisCrashResult {
  acknowledged: number;
  /** Acknowledged more than 1 s before the crash and not in Redis afterwards. */
  lostOlderThan1s: string[];
  /** Acknowledged at any time and not in Redis afterwards. */
  lostAny: string[];
  refusedWhileDown: number;
  /** ms from Redis being back until a job was completed again. */
  resumeMs: number;
  workersRestarted: boolean;
  outcomes: OutcomeCount;
  createdTwice: string[];
  repeatPosts: number;
  eventsOffByOne: Map<string, number>;
}

const ENQUEUE_TIMEOUT_MS = 3_000;

/**
 * Scenario 3: Redis dies with kill -9 while a producer enqueues and two workers process, and comes
 * back on the same port and AOF. What was acknowledged must survive, the workers must reconnect on
 * their own, and no customer may be created twice.
 */
export async function runRedisCrashScenario(
  group: ProcessGroup,
  options: RedisCrashOptions,
): Promise<RedisCrashResult> {
  const stack = await startChaosStack(group, 'rcrash', {
    workers: options.workers ?? 2,
    faults: { latency: { min: 50, max: 300 }, seed: options.seed },
  });
  const pids = stack.workers.map((w) => w.current().pid);
  const items = onboardingPayloads(options.jobs, 5_000_000 + options.seed * 10_000);
  // The producer's own connection, as a library user would open it ('producer': fail fast, no endless wait).
  const connection = createRedisConnection(stack.redis.url, 'producer');
  connection.on('error', () => undefined);
  const producer = createOnboardingProducer({ connection, prefix: stack.prefix });
  group.defer(() => connection.disconnect());
  group.defer(() => producer.close().catch(() => undefined));

  const acked = new Map<string, number>();
  const businessIdOf = new Map<string, string>();
  let refusedWhileDown = 0;
  const producing = (async () => {
    for (const item of items) {
      const started = Date.now();
      try {
        const result = await Promise.race([
          producer.enqueue(item.payload),
          sleep(ENQUEUE_TIMEOUT_MS).then(() => {
            throw new Error('enqueue timed out');
          }),
        ]);
        acked.set(result.jobId, Date.now());
        businessIdOf.set(result.jobId, item.businessId);
      } catch {
        refusedWhileDown += 1;
      }
      await sleep(Math.max(0, options.paceMs - (Date.now() - started)));
    }
  })();

  await sleep(options.crashAfterMs);
  const crashAt = Date.now();
  await stack.redis.crash();
  await sleep(options.downMs);
  await stack.redis.restart();
  const backAt = Date.now();
  const completedBefore = (await stack.inspector.counts()).completed ?? 0;
  let resumeMs = Number.POSITIVE_INFINITY;
  while (Date.now() - backAt < 60_000) {
    if (((await stack.inspector.counts()).completed ?? 0) > completedBefore) {
      resumeMs = Date.now() - backAt;
      break;
    }
    await sleep(100);
  }
  await producing;
  await stack.inspector.waitUntilDrained(options.drainTimeoutMs);

  const jobIds = [...acked.keys()];
  const states = await Promise.all(jobIds.map((id) => stack.inspector.onboarding.getJobState(id)));
  const lostAny = jobIds.filter((_id, i) => states[i] === 'unknown');
  const lostOlderThan1s = lostAny.filter((id) => (acked.get(id) as number) < crashAt - 1_000);
  const outcomes = await stack.inspector.outcomes(jobIds);
  const tally = await creationTally(stack.sandbox);
  const eventsOffByOne = eventCountsOffByOne(await stack.inspector.events(), [...businessIdOf.values()]);
  const workersRestarted = stack.workers.some(
    (w, i) => w.history().length > 1 || w.current().pid !== pids[i],
  );
  const stillRunning = stack.workers.every((w) => w.current().running());
  reportScenario({
    scenario: 'redis-crash',
    jobs: acked.size,
    lost: lostAny.length + outcomes.failedWithoutRecord.length + outcomes.unfinished.length,
    duplicates: tally.createdTwice.length,
    recoverMs: resumeMs,
    repeatPosts: tally.repeatPosts,
    lostAckedOlderThan1s: lostOlderThan1s.length,
    refusedWhileDown,
    downMs: options.downMs,
    workersRestarted,
    workersAlive: stillRunning,
    created: outcomes.created,
    pending: outcomes.pending,
    exists: outcomes.exists,
    deadLettered: outcomes.deadLettered,
    eventsOffByOne: eventsOffByOne.size,
  });
  return {
    acknowledged: acked.size,
    lostOlderThan1s,
    lostAny,
    refusedWhileDown,
    resumeMs,
    workersRestarted: workersRestarted || !stillRunning,
    outcomes,
    createdTwice: tally.createdTwice,
    repeatPosts: tally.repeatPosts,
    eventsOffByOne,
  };
}
