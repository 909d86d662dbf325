import type { ProcessGroup } from '../support/child-process';
import { creationTally, enqueueAll, onboardingPayloads, startChaosStack } from '../support/chaos-stack';
import { eventCountsOffByOne, type OutcomeCount } from '../support/queue-inspector';
import { reportScenario } from '../support/scenario-report';

/** Sizes of the unclear-answers scenario. */
export interface UnclearAnswersOptions {
  /** Worker processes (default 2; the short variants use 1 to stay fast). */
  workers?: number;
  jobs: number;
  /** Share of createprofile calls that commit and then lose the answer. */
  commitThenDrop: number;
  /** Share of createprofile calls that never answer (the client times out). */
  hang: number;
  timeoutMs: number;
  seed: number;
  drainTimeoutMs: number;
}

/** What the scenario counted. */
export interface UnclearAnswersResult {
  outcomes: OutcomeCount;
  createdTwice: string[];
  repeatPosts: number;
  drops: number;
  hangs: number;
  deadLetterRecords: number;
  /** Dead-letter records whose job id appears more than once. */
  deadLettersRepeated: number;
  failedJobs: number;
  eventsOffByOne: Map<string, number>;
}

/**
 * Scenario 4: Ropo One commits some creations and then drops the connection, and never answers
 * others. Unknown outcomes go back to BullMQ; the next attempt meets the ledger or Ropo's duplicate
 * answer. Nothing may be created twice and every job must end with exactly one outcome.
 */
export async function runUnclearAnswersScenario(
  group: ProcessGroup,
  options: UnclearAnswersOptions,
): Promise<UnclearAnswersResult> {
  const stack = await startChaosStack(group, 'unclear', {
    workers: options.workers ?? 2,
    faults: {
      latency: { min: 20, max: 100 },
      commitThenDrop: options.commitThenDrop,
      hang: options.hang,
      seed: options.seed,
    },
    env: { ROPO_TIMEOUT_MS: String(options.timeoutMs), WORKER_CONCURRENCY: '20' },
  });
  const items = onboardingPayloads(options.jobs, 6_000_000 + options.seed * 10_000);
  const started = Date.now();
  const jobIds = await enqueueAll(stack.redis.url, stack.prefix, items);
  await stack.inspector.waitUntilDrained(options.drainTimeoutMs, options.jobs);
  const drainedMs = Date.now() - started;

  const outcomes = await stack.inspector.outcomes(jobIds);
  const tally = await creationTally(stack.sandbox);
  const records = await stack.inspector.deadLetters();
  const perJob = new Map<string, number>();
  for (const record of records) perJob.set(record.jobId, (perJob.get(record.jobId) ?? 0) + 1);
  const failedJobs = (await stack.inspector.counts()).failed ?? 0;
  const eventsOffByOne = eventCountsOffByOne(
    await stack.inspector.events(),
    items.map((i) => i.businessId),
  );
  const drops = tally.stats.createProfileByStatus.drop ?? 0;
  const hangs = tally.stats.createProfileByStatus.hang ?? 0;
  reportScenario({
    scenario: 'unclear-answers',
    jobs: options.jobs,
    lost: outcomes.failedWithoutRecord.length + outcomes.unfinished.length + outcomes.missing.length,
    duplicates: tally.createdTwice.length,
    recoverMs: drainedMs,
    repeatPosts: tally.repeatPosts,
    calls: tally.calls,
    drops,
    hangs,
    created: outcomes.created,
    pending: outcomes.pending,
    exists: outcomes.exists,
    deadLettered: outcomes.deadLettered,
    deadLetterRecords: records.length,
    eventsOffByOne: eventsOffByOne.size,
  });
  return {
    outcomes,
    createdTwice: tally.createdTwice,
    repeatPosts: tally.repeatPosts,
    drops,
    hangs,
    deadLetterRecords: records.length,
    deadLettersRepeated: [...perJob.values()].filter((n) => n > 1).length,
    failedJobs,
    eventsOffByOne,
  };
}
