import { context, propagation } from '@opentelemetry/api';
import type { Job, Queue } from 'bullmq';
import {
  DEAD_LETTER_CODES,
  type DeadLetterReason,
  type DeadLetterRecord,
} from '../contracts/dead-letter-record';
import { buildEvent, EVENT_TYPES } from '../contracts/events';
import { readBusinessId, readJobData, type OnboardingJobData } from '../contracts/onboarding-job';
import type { Logger } from '../logger';
import type { AttemptLog } from '../queues/attempt-log';
import type { DeadLetterWriter } from '../queues/dead-letter-queue';
import type { EventPublisher } from '../queues/event-publisher';
import type { OnboardingLedger, SettledEntry } from '../queues/onboarding-ledger';
import { removeFailedJob } from '../queues/payload-retention';
import type { PipelineObserver } from './pipeline-observer';
import { publishSettledOutcome } from './settled-outcome';

/** BullMQ's own reason when a job stalled more often than `maxStalledCount` allows. */
const STALLED_TOO_OFTEN = /stalled more than allowable limit|started more than allowable limit/;

/** The job's data as stored, read safely (see {@link readJobData}). */
export function dataOf(job: Job<OnboardingJobData>): Partial<OnboardingJobData> {
  return readJobData(job.data);
}

// Inside the attempt's span when tracing is on; with no SDK the propagator writes nothing.
function currentTraceparent(): { traceparent?: string } {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier.traceparent ? { traceparent: carrier.traceparent } : {};
}

/** What writing a dead letter touches. */
export interface DeadLetteringDeps {
  events: EventPublisher;
  deadLetters: DeadLetterWriter;
  attempts: AttemptLog;
  ledger: OnboardingLedger;
  logger: Logger;
  observer: PipelineObserver;
  /** The onboarding queue, to remove a job once its record is written; without it nothing is removed. */
  queue?: Queue;
}

/** Writes dead letters: from the processor, and for jobs BullMQ failed without running it. */
export interface DeadLettering {
  /** Writes the record, frees the ledger claim and publishes `onboarding.dead_lettered`; idempotent. */
  record(job: Job<OnboardingJobData>, businessId: string | null, reason: DeadLetterReason): Promise<void>;
  /**
   * For a job that ended failed without a record (BullMQ failed it as stalled too often, or an
   * error escaped the processor on its last attempt): writes one. Returns whether it wrote.
   */
  recordUnhandledFailure(job: Job<OnboardingJobData>, error: Error): Promise<boolean>;
  /**
   * For a job whose payload was stripped once its outcome was recorded: that outcome, while it stands
   * in the ledger. Such a job is done, whatever failed after; a dead letter of its stub could not be
   * replayed. Undefined for any other job.
   */
  standing(job: Job<OnboardingJobData>): Promise<{ businessId: string; entry: SettledEntry } | undefined>;
  /**
   * Once the job has failed and its record is written, removes the job: the record is then the
   * one place holding the payload. Returns whether it removed.
   */
  removeRecorded(job: Job<OnboardingJobData>): Promise<boolean>;
}

/** Creates the dead-lettering step over its dependencies. */
export function createDeadLettering(deps: DeadLetteringDeps): DeadLettering {
  const { logger, observer } = deps;

  async function record(job: Job<OnboardingJobData>, businessId: string | null, reason: DeadLetterReason) {
    const jobId = job.id as string;
    const data = dataOf(job);
    const deadLetter: DeadLetterRecord = {
      version: 1,
      jobId,
      businessId,
      // Data that is not the documented envelope is kept whole, so operators see what was sent.
      payload: data === job.data ? data.payload : job.data,
      eventId: data.eventId,
      source: data.source,
      receivedAt: data.receivedAt,
      reason,
      attempts: await deps.attempts.list(jobId),
      maxAttempts: job.opts.attempts,
      lineage: {
        originalJobId: data.replayOf ?? jobId,
        replayOf: data.replayOf,
        replayCount: data.replayCount ?? 0,
        ...currentTraceparent(),
      },
      deadLetteredAt: new Date().toISOString(),
    };
    await deps.deadLetters.write(deadLetter);
    if (businessId) await deps.ledger.release(businessId, jobId);
    await deps.events.publish(
      buildEvent(EVENT_TYPES.deadLettered, {
        jobId,
        businessId: businessId ?? 'unknown',
        reasonCode: reason.code,
      }),
    );
    observer.jobFinished('dead_lettered', reason.code);
    logger.warn('job dead-lettered', {
      jobId,
      businessId,
      outcome: 'dead_lettered',
      reasonCode: reason.code,
    });
  }

  async function standing(job: Job<OnboardingJobData>) {
    const data = dataOf(job);
    const businessId = data.stripped ? readBusinessId(data.payload) : null;
    if (!businessId) return undefined;
    const entry = await deps.ledger.get(businessId);
    return entry && entry.state !== 'inflight' ? { businessId, entry } : undefined;
  }

  return {
    record,
    standing,
    async recordUnhandledFailure(job, error) {
      const jobId = job.id as string;
      if ((await job.getState()) !== 'failed' || (await deps.deadLetters.exists(jobId))) return false;
      const outcome = await standing(job);
      if (outcome) {
        // BullMQ failed it (stalled again) after its outcome was recorded: the customer is onboarded.
        const result = await publishSettledOutcome(deps, jobId, outcome.businessId, outcome.entry);
        logger.warn('job failed after its outcome was recorded; the outcome stands, so no dead letter', {
          jobId,
          businessId: outcome.businessId,
          outcome: result.outcome,
          failedReason: error.message,
        });
        return false;
      }
      const stalled = STALLED_TOO_OFTEN.test(error.message);
      await record(job, readBusinessId(dataOf(job).payload), {
        code: stalled ? DEAD_LETTER_CODES.stalled : DEAD_LETTER_CODES.internal,
        message: stalled
          ? 'the job stalled (its worker died or hung while holding it) more often than MAX_STALLED_COUNT allows'
          : `the job failed outside the pipeline's handling: ${error.message}`,
      });
      return true;
    },
    async removeRecorded(job) {
      const jobId = job.id as string;
      if (!deps.queue || !(await deps.deadLetters.exists(jobId))) return false;
      return removeFailedJob(deps.queue, jobId);
    },
  };
}
