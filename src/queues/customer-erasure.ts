import type { Job, Queue } from 'bullmq';
import type { DeadLetterRecord } from '../contracts/dead-letter-record';
import type { OnboardingEvent } from '../contracts/events';
import { readBusinessId, readJobData, type OnboardingJobData } from '../contracts/onboarding-job';
import type { RedisClient } from './connection';
import { createCredentialStore } from './credential-store';
import { wizardStalledKey } from './customer-funnel';
import { erasedMarkerKey } from './customer-timeline';
import { removeLedgerEntries } from './onboarding-ledger';
import { createProfileUuidIndex } from './profile-uuids';
import { ALL_JOB_STATES } from './job-states';
import { QUEUE_NAMES } from './queue-names';
import { openQueue } from './open-queue';

/** What an erasure removed, and what it could not (a job running right now holds a lock). */
export interface ErasureReport {
  businessId: string;
  onboardingJobs: string[];
  deadLetters: string[];
  events: string[];
  ledger: boolean;
  /** The customer's Ropo One credentials (sealed apicode); the audit stream of reads is kept. */
  credentials: boolean;
  /** profile_uuids recorded for matching Ropo's `external-id`. */
  profileUuids: number;
  /** The marker that the wizard_stalled event was sent. */
  wizardStalled: boolean;
  skippedActive: string[];
}

const PAGE = 1000;

async function removeMatching<T>(
  queue: Queue<T>,
  belongs: (job: Job<T>) => boolean,
  skippedActive: string[],
): Promise<string[]> {
  // Collect first, remove after: removing while paging would shift jobs past the cursor.
  const matching: Job<T>[] = [];
  for (let start = 0; ; start += PAGE) {
    const jobs = await queue.getJobs(ALL_JOB_STATES, start, start + PAGE - 1, true);
    matching.push(...jobs.filter((job) => job?.data && belongs(job)));
    if (jobs.length < PAGE) break;
  }
  const removed: string[] = [];
  for (const job of matching) {
    if ((await job.getState()) === 'active') {
      skippedActive.push(job.id as string);
      continue;
    }
    await job.remove();
    removed.push(job.id as string);
  }
  return removed;
}

/**
 * Erases one customer (GDPR): every onboarding job whose payload carries the business id (with its
 * attempt log), every dead letter and event about it, and its ledger entry.
 */
export async function eraseCustomer(
  connection: RedisClient,
  prefix: string,
  businessId: string,
): Promise<ErasureReport> {
  const onboarding = openQueue<OnboardingJobData>(QUEUE_NAMES.onboarding, connection, prefix);
  const deadLetters = openQueue<DeadLetterRecord>(QUEUE_NAMES.deadLetter, connection, prefix);
  const events = openQueue<OnboardingEvent>(QUEUE_NAMES.events, connection, prefix);
  const skippedActive: string[] = [];
  try {
    // The time of the erasure only, so the timeline can answer "erased" rather than "unknown".
    await connection.set(erasedMarkerKey(prefix, businessId), new Date().toISOString());
    return {
      businessId,
      onboardingJobs: await removeMatching(
        onboarding,
        (job) => readBusinessId(readJobData(job.data).payload) === businessId,
        skippedActive,
      ),
      deadLetters: await removeMatching(
        deadLetters,
        (job) =>
          job.data.businessId === businessId || readBusinessId(readJobData(job.data).payload) === businessId,
        skippedActive,
      ),
      events: await removeMatching(events, (job) => job.data.subject === businessId, skippedActive),
      ledger: await removeLedgerEntries(connection, prefix, businessId),
      credentials: await createCredentialStore(connection, prefix, []).remove(businessId),
      profileUuids: await createProfileUuidIndex(connection, prefix).removeFor(businessId),
      wizardStalled: (await connection.del(wizardStalledKey(prefix, businessId))) > 0,
      skippedActive,
    };
  } finally {
    await Promise.all([onboarding.close(), deadLetters.close(), events.close()]);
  }
}
