import type { Job, Queue } from 'bullmq';
import { buildTimeline, type CustomerTimeline, type TimelineStep } from '../contracts/customer-timeline';
import type { DeadLetterRecord } from '../contracts/dead-letter-record';
import { EVENT_TYPES, type OnboardingEvent } from '../contracts/events';
import type { OnboardingJobData, OnboardingJobResult } from '../contracts/onboarding-job';
import { createAttemptLog } from './attempt-log';
import type { RedisClient } from './connection';
import { createCredentialStore } from './credential-store';
import { ALL_JOB_STATES } from './job-states';
import { createLedger } from './onboarding-ledger';
import { openQueue } from './open-queue';
import { QUEUE_NAMES } from './queue-names';

const PAGE = 1000;

/** The key that remembers when a customer was erased (the time only: everything else is gone). */
export function erasedMarkerKey(prefix: string, businessId: string): string {
  return `${prefix}:customer-erased:${businessId}`;
}

function payloadBusinessId(payload: unknown): string | undefined {
  const id = (payload as { customer_info?: { business_id?: unknown } } | null)?.customer_info?.business_id;
  return typeof id === 'string' ? id.trim() : undefined;
}

async function jobsOf<T>(queue: Queue<T>, belongs: (job: Job<T>) => boolean): Promise<Job<T>[]> {
  const found: Job<T>[] = [];
  for (let start = 0; ; start += PAGE) {
    const jobs = await queue.getJobs(ALL_JOB_STATES, start, start + PAGE - 1, true);
    found.push(...jobs.filter((job) => job?.data && belongs(job)));
    if (jobs.length < PAGE) break;
  }
  return found;
}

const iso = (ms: number | undefined): string | undefined => (ms ? new Date(ms).toISOString() : undefined);

/**
 * Reads a customer's journey from what the service already keeps (jobs with their attempt logs,
 * the ledger, dead letters, events, the credential store) rather than a second copy that could
 * disagree. Scans the queues: an operator's question, not a hot path.
 */
export async function readCustomerTimeline(
  connection: RedisClient,
  prefix: string,
  /** config's `ropo.target`: the ledger step shown is this Ropo One's. */
  target: string,
  businessId: string,
): Promise<CustomerTimeline> {
  const onboarding = openQueue<OnboardingJobData, OnboardingJobResult>(
    QUEUE_NAMES.onboarding,
    connection,
    prefix,
  );
  const deadLetters = openQueue<DeadLetterRecord>(QUEUE_NAMES.deadLetter, connection, prefix);
  const events = openQueue<OnboardingEvent>(QUEUE_NAMES.events, connection, prefix);
  try {
    const steps: TimelineStep[] = [];
    const attempts = createAttemptLog(onboarding);
    for (const job of await jobsOf(onboarding, (j) => payloadBusinessId(j.data.payload) === businessId)) {
      const jobId = job.id as string;
      steps.push(
        job.data.replayOf
          ? { step: 'replayed', at: job.data.receivedAt, jobId, replayOf: job.data.replayOf }
          : { step: 'enqueued', at: job.data.receivedAt, jobId },
      );
      for (const a of await attempts.list(jobId))
        steps.push({ step: 'attempt_failed', at: a.at, jobId, attempt: a.attempt, code: a.code });
    }
    const ledger = await createLedger(connection, prefix, target).get(businessId);
    if (ledger && ledger.state !== 'inflight')
      steps.push({ step: ledger.state, at: ledger.at, jobId: ledger.jobId });
    for (const dl of await jobsOf(deadLetters, (j) => j.data.businessId === businessId)) {
      steps.push({
        step: 'dead_lettered',
        at: dl.data.deadLetteredAt,
        jobId: dl.data.jobId,
        code: dl.data.reason.code,
      });
    }
    for (const ev of await jobsOf(
      events,
      (j) => j.data.subject === businessId && j.data.type === EVENT_TYPES.wizardStalled,
    )) {
      steps.push({ step: 'wizard_stalled', at: ev.data.time });
    }
    // Keys are not needed to read the record's plain fields; nothing here opens the apicode.
    const credential = await createCredentialStore(connection, prefix, []).get(businessId);
    if (credential)
      steps.push({ step: 'activated', at: credential.activatedAt, matched: credential.matched });
    const erasedAt = await connection.get(erasedMarkerKey(prefix, businessId));
    if (erasedAt) steps.push({ step: 'erased', at: erasedAt });
    return buildTimeline(businessId, steps);
  } finally {
    await Promise.all([onboarding.close(), deadLetters.close(), events.close()]);
  }
}

/** When the customer was first enqueued (its oldest job still kept), for the activation histogram. */
export async function firstEnqueuedAt(
  connection: RedisClient,
  prefix: string,
  target: string,
  businessId: string,
): Promise<string | undefined> {
  const ledger = await createLedger(connection, prefix, target).get(businessId);
  if (!ledger) return undefined;
  const onboarding = openQueue<OnboardingJobData>(QUEUE_NAMES.onboarding, connection, prefix);
  try {
    const job = await onboarding.getJob(ledger.jobId);
    return job?.data.receivedAt ?? iso(job?.timestamp);
  } finally {
    await onboarding.close();
  }
}
