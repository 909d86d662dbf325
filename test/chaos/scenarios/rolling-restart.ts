import { QueueEvents } from 'bullmq';
import { QUEUE_NAMES } from '../../../src/queues/queue-names';
import type { ProcessGroup } from '../support/child-process';
import {
  creationTally,
  enqueueAll,
  onboardingPayloads,
  seeded,
  sleep,
  startChaosStack,
} from '../support/chaos-stack';
import { eventCountsOffByOne, type OutcomeCount } from '../support/queue-inspector';
import { reportScenario } from '../support/scenario-report';
import { countLines } from '../support/worker-process';

/** Sizes of the rolling-restart scenario. */
export interface RollingRestartOptions {
  /** Worker processes (default 2; the short variants use 1 to stay fast). */
  workers?: number;
  jobs: number;
  /** How many times each of the two workers is stopped and started again. */
  rounds: number;
  shutdownTimeoutMs: number;
  seed: number;
  drainTimeoutMs: number;
}

/** One SIGTERM: how the process ended and how long it took. */
export interface CloseRecord {
  worker: string;
  code: number | null;
  signal: string | null;
  ms: number;
  forced: boolean;
}

/** What the scenario counted. */
export interface RollingRestartResult {
  outcomes: OutcomeCount;
  closes: CloseRecord[];
  stalledEvents: number;
  stalledLogLines: number;
  createdTwice: string[];
  repeatPosts: number;
  eventsOffByOne: Map<string, number>;
}

/**
 * Scenario 2: a deploy. Two workers under load are stopped with SIGTERM in turn and started again
 * after they exit. A graceful close finishes its in-flight jobs, so nothing stalls and nothing is
 * sent to Ropo One twice.
 */
export async function runRollingRestartScenario(
  group: ProcessGroup,
  options: RollingRestartOptions,
): Promise<RollingRestartResult> {
  const random = seeded(options.seed);
  const stack = await startChaosStack(group, 'rolling', {
    workers: options.workers ?? 2,
    faults: { latency: { min: 50, max: 500 }, seed: options.seed },
    env: { WORKER_CONCURRENCY: '5', SHUTDOWN_TIMEOUT_MS: String(options.shutdownTimeoutMs) },
  });
  const queueEvents = new QueueEvents(QUEUE_NAMES.onboarding, {
    connection: { url: stack.redis.url },
    prefix: stack.prefix,
  });
  group.defer(() => queueEvents.close());
  let stalledEvents = 0;
  queueEvents.on('stalled', () => {
    stalledEvents += 1;
  });
  await queueEvents.waitUntilReady();

  const items = onboardingPayloads(options.jobs, 4_000_000 + options.seed * 10_000);
  const jobIds = await enqueueAll(stack.redis.url, stack.prefix, items);
  const closes: CloseRecord[] = [];
  for (let round = 0; round < options.rounds; round += 1) {
    for (const slot of stack.workers) {
      await sleep(300 + random() * 700);
      // A deploy tool waits a little past the service's own deadline before it kills.
      const exit = await slot.current().terminate(options.shutdownTimeoutMs + 5_000);
      closes.push({
        worker: slot.name,
        code: exit.code,
        signal: exit.signal,
        ms: exit.ms,
        forced: exit.forced,
      });
      await slot.start();
    }
  }
  await stack.inspector.waitUntilDrained(options.drainTimeoutMs, options.jobs);
  // Stalled checks run every STALLED_INTERVAL_MS: give one more pass the chance to report.
  await sleep(1_000);

  const outcomes = await stack.inspector.outcomes(jobIds);
  const tally = await creationTally(stack.sandbox);
  const eventsOffByOne = eventCountsOffByOne(
    await stack.inspector.events(),
    items.map((i) => i.businessId),
  );
  const stalledLogLines = countLines(stack.workers, /job stalled/);
  reportScenario({
    scenario: 'rolling-restart',
    jobs: options.jobs,
    lost: outcomes.failedWithoutRecord.length + outcomes.unfinished.length + outcomes.missing.length,
    duplicates: tally.createdTwice.length,
    recoverMs: Math.max(...closes.map((c) => c.ms)),
    repeatPosts: tally.repeatPosts,
    closes: closes.length,
    closeMs: closes.map((c) => c.ms).join('/'),
    exitCodes: [...new Set(closes.map((c) => c.code))].join('/'),
    stalledEvents,
    stalledLogLines,
    eventsOffByOne: eventsOffByOne.size,
  });
  return {
    outcomes,
    closes,
    stalledEvents,
    stalledLogLines,
    createdTwice: tally.createdTwice,
    repeatPosts: tally.repeatPosts,
    eventsOffByOne,
  };
}
