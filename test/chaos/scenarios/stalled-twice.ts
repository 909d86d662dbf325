import type { ProcessGroup } from '../support/child-process';
import {
  creationTally,
  enqueueAll,
  onboardingPayloads,
  sleep,
  startChaosStack,
} from '../support/chaos-stack';
import { eventCountsOffByOne, type OutcomeCount } from '../support/queue-inspector';
import { reportScenario } from '../support/scenario-report';

/** What the probe saw. */
export interface StalledTwiceResult {
  outcomes: OutcomeCount;
  failedReason: string | undefined;
  deadLetters: number;
  eventsOffByOne: Map<string, number>;
  ledger: string | null;
  createdTwice: string[];
}

/**
 * One job whose Ropo call is slow, on one worker that is killed twice while it holds that job
 * (MAX_STALLED_COUNT keeps its default, 1). BullMQ then fails the job on its next pick-up without
 * running the processor: the job must still end with an outcome (a dead letter), not in silence.
 */
export async function runStalledTwiceScenario(group: ProcessGroup): Promise<StalledTwiceResult> {
  const stack = await startChaosStack(group, 'stall2', {
    workers: 1,
    faults: { latency: 4_000 },
    env: { LOCK_DURATION_MS: '1000', STALLED_INTERVAL_MS: '1000' },
  });
  const [worker] = stack.workers as [(typeof stack.workers)[0]];
  const items = onboardingPayloads(1, 8_100_000);
  const [jobId] = (await enqueueAll(stack.redis.url, stack.prefix, items)) as [string];

  for (let kill = 0; kill < 2; kill += 1) {
    const pid = worker.current().pid;
    // Wait until this very process holds the job, then kill it mid-call.
    const deadline = Date.now() + 30_000;
    for (;;) {
      const job = await stack.inspector.onboarding.getJob(jobId);
      const state = await stack.inspector.onboarding.getJobState(jobId);
      if (state === 'active' && String(job?.processedBy ?? '').endsWith(`:${pid}`)) break;
      if (Date.now() > deadline) throw new Error(`job ${jobId} never became active on pid ${pid} (${state})`);
      await sleep(50);
    }
    await sleep(300);
    await worker.current().kill9();
    await worker.start();
  }
  await stack.inspector.waitUntilDrained(30_000, 1);
  // The worker dead-letters a job BullMQ failed for stalling right after the failure lands, so the
  // record can trail the failed state by a few milliseconds.
  for (const deadline = Date.now() + 10_000; Date.now() < deadline; await sleep(50)) {
    if ((await stack.inspector.deadLetters()).length > 0) break;
  }
  const outcomes = await stack.inspector.outcomes([jobId]);
  const job = await stack.inspector.onboarding.getJob(jobId);
  const deadLetters = (await stack.inspector.deadLetters()).length;
  const eventsOffByOne = eventCountsOffByOne(
    await stack.inspector.events(),
    items.map((i) => i.businessId),
  );
  const ledger = await stack.inspector.connection.get(
    `${stack.prefix}:onboarding-ledger:${items[0]?.businessId}`,
  );
  const tally = await creationTally(stack.sandbox);
  reportScenario({
    scenario: 'stalled-twice',
    jobs: 1,
    lost: outcomes.failedWithoutRecord.length + outcomes.unfinished.length + outcomes.missing.length,
    duplicates: tally.createdTwice.length,
    recoverMs: null,
    failedReason: job?.failedReason,
    deadLetters,
    ledger,
  });
  return {
    outcomes,
    failedReason: job?.failedReason,
    deadLetters,
    eventsOffByOne,
    ledger,
    createdTwice: tally.createdTwice,
  };
}
