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

/** Sizes of the SIGKILL scenario. */
export interface SigkillOptions {
  /** Worker processes (default 2; the short variants use 1 to stay fast). */
  workers?: number;
  jobs: number;
  kills: number;
  lockMs: number;
  stalledMs: number;
  seed: number;
  /** Bounds of the random pause before a timed kill. */
  killDelayMs: [number, number];
  /** Upper bound for the whole run to drain after the last restart, on top of 2 × (lock + stalled). */
  drainTimeoutMs: number;
}

/** What the scenario counted. */
export interface SigkillResult {
  outcomes: OutcomeCount;
  jobs: number;
  kills: { at: number; afterCommit: boolean; strandedJobs: number }[];
  /** ms from the last restart until every job the last kill stranded had ended. */
  strandedRecoveryMs: number;
  /** The worst, over all kills, of: ms from the restart until the last job that kill stranded had ended. */
  worstRecoveryMs: number;
  recoveryBoundMs: number;
  drainedMs: number;
  createdTwice: string[];
  repeatPosts: number;
  eventsOffByOne: Map<string, number>;
  stalledLogLines: number;
  /** Each stranded job that ended dead-lettered: its reason code, and in how many kills it was stranded. */
  strandedDeadLetters: { code: string; kills: number }[];
}

/**
 * Scenario 1: two workers process onboarding jobs against a slow Ropo One while one of them is
 * killed with SIGKILL again and again (at random moments, and right after Ropo committed a
 * creation), then restarted. BullMQ's stalled-job check must hand every stranded job to a live
 * worker, and the ledger must stop any customer being created twice.
 */
export async function runSigkillScenario(
  group: ProcessGroup,
  options: SigkillOptions,
): Promise<SigkillResult> {
  const random = seeded(options.seed);
  const stack = await startChaosStack(group, 'sigkill', {
    workers: options.workers ?? 2,
    faults: { latency: { min: 50, max: 500 }, seed: options.seed },
    env: {
      WORKER_CONCURRENCY: '5',
      LOCK_DURATION_MS: String(options.lockMs),
      STALLED_INTERVAL_MS: String(options.stalledMs),
    },
  });
  const [victim] = stack.workers as [(typeof stack.workers)[0]];
  const items = onboardingPayloads(options.jobs, 3_000_000 + options.seed * 10_000);
  const jobIds = await enqueueAll(stack.redis.url, stack.prefix, items);

  const kills: SigkillResult['kills'] = [];
  const strandedByKill: { ids: string[]; killedAt: number; restartedAt: number }[] = [];
  let lastStranded: string[] = [];
  let lastRestart = Date.now();
  const started = Date.now();
  for (let k = 0; k < options.kills; k += 1) {
    const afterCommit = k % 2 === 1;
    if (afterCommit) {
      // Kill as soon as the sandbox's count of committed creations moves: the victim may be the
      // worker whose POST just committed, before it could record the outcome.
      const before = (await stack.sandbox.stats()).createProfileByStatus['200'] ?? 0;
      const deadline = Date.now() + 10_000;
      while (((await stack.sandbox.stats()).createProfileByStatus['200'] ?? 0) === before) {
        if (Date.now() > deadline) break;
        await sleep(5);
      }
    } else {
      await sleep(options.killDelayMs[0] + random() * (options.killDelayMs[1] - options.killDelayMs[0]));
    }
    const pid = victim.current().pid;
    await victim.current().kill9();
    const killedAt = Date.now();
    const active = await stack.inspector.onboarding.getActive();
    // BullMQ records which worker took a job; the worker's name ends with its pid.
    lastStranded = active
      .filter((job) => String(job.processedBy ?? '').endsWith(`:${pid}`))
      .map((j) => j.id as string);
    kills.push({ at: Date.now() - started, afterCommit, strandedJobs: lastStranded.length });
    await sleep(random() * options.killDelayMs[0]);
    await victim.start();
    lastRestart = Date.now();
    strandedByKill.push({ ids: lastStranded, killedAt, restartedAt: lastRestart });
  }

  const recoveryBoundMs = 2 * (options.lockMs + options.stalledMs);
  let strandedRecoveryMs: number;
  for (;;) {
    // A job active in two kills stalls twice and is dead-lettered JOB_STALLED (MAX_STALLED_COUNT),
    // then removed, its record the one copy: that too is an end, replayable, and nothing is lost.
    const ended = await stack.inspector.endedAt(lastStranded);
    if ([...ended.values()].every((at) => at !== undefined)) {
      strandedRecoveryMs = Date.now() - lastRestart;
      break;
    }
    if (Date.now() - lastRestart > recoveryBoundMs + options.drainTimeoutMs) {
      strandedRecoveryMs = Number.POSITIVE_INFINITY;
      break;
    }
    await sleep(100);
  }
  await stack.inspector.waitUntilDrained(recoveryBoundMs + options.drainTimeoutMs, options.jobs);
  const drainedMs = Date.now() - lastRestart;

  // Recovery per kill: from the restart until the last job that kill stranded had finished, or, for
  // one stranded again by a later kill, until that kill: it was running on a live worker by then.
  let worstRecoveryMs = 0;
  for (const [k, { ids, restartedAt }] of strandedByKill.entries()) {
    const ended = await stack.inspector.endedAt(ids);
    for (const id of ids) {
      const again = strandedByKill.slice(k + 1).find((later) => later.ids.includes(id));
      const at = again ? again.killedAt : ended.get(id);
      worstRecoveryMs = Math.max(worstRecoveryMs, (at ?? Number.POSITIVE_INFINITY) - restartedAt);
    }
  }
  const killsStranding = (id: string) => strandedByKill.filter(({ ids }) => ids.includes(id)).length;
  const strandedDeadLetters = (await stack.inspector.deadLetters())
    .filter((record) => killsStranding(record.jobId) > 0)
    .map((record) => ({ code: record.reason.code, kills: killsStranding(record.jobId) }));
  const outcomes = await stack.inspector.outcomes(jobIds);
  const tally = await creationTally(stack.sandbox);
  const eventsOffByOne = eventCountsOffByOne(
    await stack.inspector.events(),
    items.map((i) => i.businessId),
  );
  const stalledLogLines = countLines(stack.workers, /job stalled/);
  const lost = outcomes.failedWithoutRecord.length + outcomes.unfinished.length + outcomes.missing.length;
  reportScenario({
    scenario: 'sigkill',
    jobs: options.jobs,
    lost,
    duplicates: tally.createdTwice.length,
    recoverMs: worstRecoveryMs,
    repeatPosts: tally.repeatPosts,
    kills: kills.length,
    killsAfterCommit: kills.filter((k) => k.afterCommit).length,
    stranded: kills.map((k) => k.strandedJobs).join('/'),
    recoveryBoundMs,
    drainedMs,
    created: outcomes.created,
    pending: outcomes.pending,
    exists: outcomes.exists,
    deadLettered: outcomes.deadLettered,
    failedWithoutRecord: outcomes.failedWithoutRecord.length,
    eventsOffByOne: eventsOffByOne.size,
    stalledLogLines,
    strandedDeadLettered: strandedDeadLetters.map((d) => `${d.code}x${d.kills}`).join('/') || 0,
  });
  return {
    outcomes,
    jobs: options.jobs,
    kills,
    strandedRecoveryMs,
    worstRecoveryMs,
    recoveryBoundMs,
    drainedMs,
    createdTwice: tally.createdTwice,
    repeatPosts: tally.repeatPosts,
    eventsOffByOne,
    stalledLogLines,
    strandedDeadLetters,
  };
}
