import { Queue } from 'bullmq';
import fc from 'fast-check';
import { validatePayload } from '../../../src/contracts/validate-payload';
import { JOB_NAMES, QUEUE_NAMES } from '../../../src/queues/queue-names';
import type { ProcessGroup } from '../support/child-process';
import { sleep, startChaosStack } from '../support/chaos-stack';
import { reportScenario } from '../support/scenario-report';
import { businessIds, completePayload, minimalPayload } from '../../support/payloads';

/** Sizes of the bad-input flood. */
export interface BadInputOptions {
  /** Worker processes (default 2; the short variants use 1 to stay fast). */
  workers?: number;
  jobs: number;
  seed: number;
  drainTimeoutMs: number;
}

/** What the flood counted. */
export interface BadInputResult {
  enqueued: number;
  /** Job data whose `payload` the validator accepts (a mutation that happened to stay valid). */
  validByAccident: number;
  ropoCalls: number;
  workersAlive: boolean;
  workersRestarted: boolean;
  deadLetterRecords: number;
  failedJobs: number;
  completedJobs: number;
  failedWithoutRecord: string[];
  failedReasons: Record<string, number>;
  /** Job data of up to 3 jobs that completed (were sent to Ropo One), to show what slipped through. */
  completedSamples: string[];
}

/** Mutations of a valid payload a careless upstream might produce. */
function mutatedPayloads(): fc.Arbitrary<unknown> {
  const base = fc.constantFrom(
    ...businessIds(20, 8_500_000).flatMap((id) => [completePayload(id), minimalPayload(id)]),
  );
  const path = fc.constantFrom(
    ['customer_info', 'business_id'],
    ['customer_info', 'vat_number'],
    ['customer_info', 'country'],
    ['contact_person', 'email'],
    ['contact_person'],
    ['customer_info'],
    ['settlement_settings', 'bank_account_number'],
    ['users'],
    ['unknown_key'],
  );
  return fc.tuple(base, path, fc.jsonValue({ maxDepth: 2 })).map(([payload, keys, value]) => {
    const copy = structuredClone(payload) as Record<string, unknown>;
    let target = copy;
    for (const key of keys.slice(0, -1)) {
      if (typeof target[key] !== 'object' || target[key] === null) target[key] = {};
      target = target[key] as Record<string, unknown>;
    }
    target[keys[keys.length - 1] as string] = value;
    return copy;
  });
}

/**
 * Job data as a careless upstream puts it on the queue, bypassing the producer: anything at all as
 * the whole job data, or the right envelope around a random or mutated payload.
 */
function fuzzedJobData(): fc.Arbitrary<unknown> {
  const envelope = (payload: fc.Arbitrary<unknown>) =>
    payload.map((p) => ({ payload: p, receivedAt: new Date().toISOString(), deliveryId: 'fuzz' }));
  return fc.oneof(
    fc.anything(),
    envelope(fc.anything()),
    envelope(fc.jsonValue()),
    envelope(mutatedPayloads()),
    envelope(mutatedPayloads()),
  );
}

/**
 * Scenario 6: thousands of malformed jobs straight onto the queue. Workers must survive every one,
 * never call Ropo One for them, and dead-letter each with PAYLOAD_INVALID.
 */
export async function runBadInputScenario(
  group: ProcessGroup,
  options: BadInputOptions,
): Promise<BadInputResult> {
  const stack = await startChaosStack(group, 'fuzz', {
    workers: options.workers ?? 2,
    env: { WORKER_CONCURRENCY: '50', RATE_LIMIT_MAX: '100000', JOB_ATTEMPTS: '3' },
  });
  const pids = stack.workers.map((w) => w.current().pid);
  // Judge the data as the worker will read it: after the JSON round trip through Redis (which also
  // drops the test realm's prototypes that jest's sandbox gives structuredClone's objects).
  const samples = fc
    .sample(fuzzedJobData(), { numRuns: options.jobs, seed: options.seed })
    .map((data) => (data === undefined ? data : (JSON.parse(JSON.stringify(data)) as unknown)));
  const payloadOf = (data: unknown): unknown =>
    data !== null && typeof data === 'object' ? (data as { payload?: unknown }).payload : undefined;
  const invalid = samples.filter((data) => !validatePayload(payloadOf(data)).ok);
  const validByAccident = samples.length - invalid.length;

  const raw = new Queue(QUEUE_NAMES.onboarding, {
    connection: stack.inspector.connection,
    prefix: stack.prefix,
  });
  group.defer(() => raw.close());
  for (let i = 0; i < invalid.length; i += 500) {
    // No job id and a small retry budget: what an upstream that never read the docs would send.
    await raw.addBulk(
      invalid.slice(i, i + 500).map((data) => ({
        name: JOB_NAMES.onboardCustomer,
        data,
        opts: { attempts: 3, removeOnComplete: false, removeOnFail: false },
      })),
    );
  }
  await stack.inspector.waitUntilDrained(options.drainTimeoutMs, invalid.length);
  await sleep(200);

  const counts = await stack.inspector.counts();
  const records = await stack.inspector.deadLetters();
  const recorded = new Set(records.map((r) => r.jobId));
  const failed = await stack.inspector.onboarding.getJobs(['failed'], 0, -1);
  const failedWithoutRecord = failed
    .filter((job) => !recorded.has(job.id as string))
    .map((j) => j.id as string);
  const failedReasons: Record<string, number> = {};
  for (const job of failed.filter((j) => !recorded.has(j.id as string))) {
    const reason = job.failedReason.slice(0, 80);
    failedReasons[reason] = (failedReasons[reason] ?? 0) + 1;
  }
  const completed = await stack.inspector.onboarding.getJobs(['completed'], 0, 2);
  const completedSamples = completed.map((job) => JSON.stringify(job.data));
  const ropoCalls = (await stack.sandbox.stats()).createProfileCalls;
  const workersAlive = stack.workers.every((w) => w.current().running());
  const workersRestarted = stack.workers.some((w, i) => w.current().pid !== pids[i]);
  const result: BadInputResult = {
    enqueued: invalid.length,
    validByAccident,
    ropoCalls,
    workersAlive,
    workersRestarted,
    deadLetterRecords: records.length,
    failedJobs: counts.failed ?? 0,
    completedJobs: counts.completed ?? 0,
    failedWithoutRecord,
    failedReasons,
    completedSamples,
  };
  reportScenario({
    scenario: 'bad-input',
    jobs: invalid.length,
    lost: failedWithoutRecord.length + (counts.completed ?? 0),
    duplicates: 0,
    recoverMs: null,
    validByAccidentSkipped: validByAccident,
    ropoCalls,
    workersAlive,
    deadLetterRecords: records.length,
    failedJobs: result.failedJobs,
    failedWithoutRecord: failedWithoutRecord.length,
    failedReasons,
  });
  return result;
}
