import { DelayedError, UnrecoverableError, Worker, type Job } from 'bullmq';
import { DEAD_LETTER_CODES, type DeadLetterReason } from '../contracts/dead-letter-record';
import {
  readBusinessId,
  stubJobData,
  type OnboardingJobData,
  type OnboardingJobResult,
} from '../contracts/onboarding-job';
import { validatePayload } from '../contracts/validate-payload';
import type { Logger } from '../logger';
import type { AttemptLog } from '../queues/attempt-log';
import type { DeadLetterWriter } from '../queues/dead-letter-queue';
import type { EventPublisher } from '../queues/event-publisher';
import { LIVE_JOB_STATES } from '../queues/job-states';
import type { OnboardingLedger, SettledEntry } from '../queues/onboarding-ledger';
import type { RopoClient } from '../ropo/ropo-client';
import type { CallSpacing } from './call-spacing';
import type { RopoBreaker } from './circuit-breaker';
import { decide, type Decision } from './decide';
import { createDeadLettering, dataOf } from './dead-lettering';
import { NO_OBSERVER, type HoldReason, type PipelineObserver } from './pipeline-observer';
import { publishSettledOutcome, settledOutcome } from './settled-outcome';
import type { ProfileUuidStamp } from './profile-uuid-stamp';
import type { QueueControl } from './queue-control';

/** Everything the processor talks to; passed in so tests can use real ones on their own prefix. */
export interface ProcessorDeps {
  ropo: RopoClient;
  events: EventPublisher;
  deadLetters: DeadLetterWriter;
  attempts: AttemptLog;
  ledger: OnboardingLedger;
  breaker: RopoBreaker;
  control: QueueControl;
  /**
   * Stamps each body with its profile_uuid before the claim, which records it in the same trip; none
   * means `ropo` stamps (or not) by itself.
   */
  profileUuids?: ProfileUuidStamp;
  /** Spaces calls to Ropo One under the global rate; none means unspaced. */
  spacing?: CallSpacing;
  logger: Logger;
  /** Metrics hooks; none by default. */
  observer?: PipelineObserver;
  timing?: {
    /** Wait when Ropo says 429 without Retry-After. */
    rateLimitedMs?: number;
    /** Wait before looking again when another job holds the same business id. */
    busyRetryMs?: number;
    /** Hold after a credentials or contract fault, on top of pausing the queue. */
    authHoldMs?: number;
  };
}

/** A BullMQ processor function for `onboard-customer` jobs. */
export type OnboardingProcessor = (
  job: Job<OnboardingJobData, OnboardingJobResult>,
  token?: string,
) => Promise<OnboardingJobResult>;

const HOLD_MESSAGES: Record<Extract<Decision, { action: 'hold' }>['reason'], string> = {
  breaker_open: 'circuit open: holding the queue',
  rate_limited: 'Ropo One is rate limiting: holding the queue',
  unavailable: 'Ropo One is unavailable and said when to retry: holding the queue',
};

/**
 * Validates, claims the business id in the ledger, creates the customer in Ropo One and publishes
 * the outcome. A terminal failure is written to the dead-letter queue before the job fails, so no
 * job ends without a record; systemic faults hold the whole queue instead of burning attempts.
 */
export function createOnboardingProcessor(deps: ProcessorDeps): OnboardingProcessor {
  const { logger, ledger, control } = deps;
  const observer = deps.observer ?? NO_OBSERVER;
  const deadLettering = createDeadLettering({ ...deps, observer });
  const rateLimitedMs = deps.timing?.rateLimitedMs ?? 5_000;
  const busyRetryMs = deps.timing?.busyRetryMs ?? 2_000;
  const authHoldMs = deps.timing?.authHoldMs ?? 60_000;

  /** Publishes the event for a settled entry and returns the job's result; safe to repeat. */
  function complete(job: Job<OnboardingJobData>, businessId: string, entry: SettledEntry) {
    return publishSettledOutcome({ events: deps.events, observer }, job.id as string, businessId, entry);
  }

  /**
   * Records this job's outcome and its event together (one script: the event goes to the outbox, which
   * a relay moves to `onboarding-events` off this path), and strips the job's payload to its stub in
   * the same script. An earlier outcome that stands is completed as before, publishing its own event.
   */
  async function settle(job: Job<OnboardingJobData>, businessId: string, entry: SettledEntry) {
    const own = settledOutcome(job.id as string, businessId, entry);
    const stub = stubJobData(job.data);
    const settled = await ledger.settleWithEvent(businessId, entry, own.event, {
      jobKey: `${job.queueQualifiedName}:${job.id as string}`,
      data: JSON.stringify(stub),
    });
    // Mirrors Redis, so the worker's on-completed strip sees there is nothing left to do.
    if (settled.stripped) job.data = stub;
    if (!settled.queued) return complete(job, businessId, settled.entry);
    observer.jobFinished(own.result.outcome);
    return own.result;
  }

  /** For a stripped job whose recorded outcome stands: completes the job with it (see DeadLettering.standing). */
  async function completeIfStanding(job: Job<OnboardingJobData>, fields: Record<string, unknown>) {
    const standing = await deadLettering.standing(job);
    if (!standing) return undefined;
    const result = await complete(job, standing.businessId, standing.entry);
    logger.info('outcome already recorded; completing the job with it, without a call to Ropo One', {
      jobId: job.id,
      businessId: standing.businessId,
      outcome: result.outcome,
      ...fields,
    });
    return result;
  }

  async function deadLetter(
    job: Job<OnboardingJobData>,
    businessId: string | null,
    reason: DeadLetterReason,
  ): Promise<OnboardingJobResult> {
    // Failing after its outcome was recorded (and its payload stripped): that outcome is the job's.
    const completed = await completeIfStanding(job, { failedWith: reason.code });
    if (completed) return completed;
    await deadLettering.record(job, businessId, reason);
    // UnrecoverableError: BullMQ fails the job now instead of spending the remaining attempts.
    throw new UnrecoverableError(`${reason.code}: ${reason.message}`);
  }

  /** Puts the job back without spending an attempt, holding every worker for `ms`. */
  async function holdQueue(reason: HoldReason, ms: number): Promise<never> {
    observer.queueHeld(reason, ms);
    await control.rateLimit(ms);
    throw Worker.RateLimitError();
  }

  /** Whether the job holding a claim will still run: if not, its claim is stale. */
  const isLive = async (jobId: string) => LIVE_JOB_STATES.includes(await control.jobState(jobId));

  /** The live job other than this one whose claim on the business id is in flight, if any. */
  async function heldByAnother(job: Job<OnboardingJobData>, businessId: string | null) {
    const entry = businessId ? await ledger.get(businessId) : undefined;
    if (entry?.state !== 'inflight' || entry.jobId === job.id) return undefined;
    return (await isLive(entry.jobId)) ? entry.jobId : undefined;
  }

  /** Another job holds the business id: look again later, without spending an attempt. */
  async function waitForHolder(job: Job<OnboardingJobData>, token: string | undefined): Promise<never> {
    await job.moveToDelayed(Date.now() + busyRetryMs, token);
    throw new DelayedError();
  }

  /**
   * A job that runs again after its outcome was recorded and its payload stripped (its worker died or
   * lost the lock before completing, or an operator retried a completed job): the ledger's entry is
   * its outcome. Without one (erased meanwhile) there is nothing left to send, and a dead letter says so,
   * unless a newer live job holds the business id: then this one waits for it.
   */
  async function completeStripped(job: Job<OnboardingJobData>, attempt: number, token: string | undefined) {
    const completed = await completeIfStanding(job, { attempt });
    if (completed) return completed;
    // Its entry went and a newer job for the same business id holds the claim now: once that job
    // settles, this one completes as `exists` (settled by it), so wait rather than tell an operator
    // to enqueue a customer who is being onboarded.
    const businessId = readBusinessId(dataOf(job).payload);
    const holder = await heldByAnother(job, businessId);
    if (holder) {
      logger.info('another job holds this business id; waiting for its outcome', {
        jobId: job.id,
        businessId,
        attempt,
        holder,
      });
      return waitForHolder(job, token);
    }
    return deadLetter(job, businessId, {
      code: DEAD_LETTER_CODES.payloadStripped,
      message:
        'the payload was stripped once an outcome was recorded, and no outcome stands now (erased, or Redis lost it): enqueue the customer again',
    });
  }

  return async function processOnboardingJob(job, token) {
    const jobId = job.id as string;
    const attempt = job.attemptsMade + 1;
    const started = Date.now();

    if (dataOf(job).stripped) return completeStripped(job, attempt, token);
    const validation = validatePayload(dataOf(job).payload);
    if (!validation.ok) {
      return deadLetter(job, readBusinessId(dataOf(job).payload), {
        code: DEAD_LETTER_CODES.payloadInvalid,
        message: `${validation.errors.length} field error(s): ${validation.errors.map((e) => e.path).join(', ')}`,
        errors: validation.errors,
      });
    }
    const { businessId } = validation;
    const log = { jobId, businessId, attempt };

    const stamped = await deps.profileUuids?.stamp(validation.payload, businessId);
    const body = stamped?.body ?? validation.payload;
    let claim = await ledger.claim(businessId, jobId, { record: stamped?.record });
    if (claim.kind === 'busy') {
      if (!(await isLive(claim.holder))) {
        claim = await ledger.claim(businessId, jobId, {
          takeOverFrom: claim.holder,
          record: stamped?.record,
        });
      }
      if (claim.kind === 'busy') {
        logger.info('another job holds this business id; waiting', { ...log, holder: claim.holder });
        return waitForHolder(job, token);
      }
    }
    if (claim.kind === 'settled') {
      const result = await complete(job, businessId, claim.entry);
      logger.info('already onboarded; no call to Ropo One', { ...log, outcome: result.outcome });
      return result;
    }

    try {
      const spacing = deps.spacing;
      const answer = await deps.breaker.execute(() =>
        deps.ropo.createProfile(body, spacing && { beforeAttempt: () => spacing.acquire() }),
      );
      const at = new Date().toISOString();
      const entry: SettledEntry =
        answer.outcome === 'created'
          ? { state: 'created', jobId, customerId: answer.customerId, at }
          : { state: 'pending', jobId, uuid: answer.uuid, wizardUrl: answer.wizardUrl, at };
      const result = await settle(job, businessId, entry);
      logger.info(`customer ${result.outcome}`, {
        ...log,
        durationMs: Date.now() - started,
        outcome: result.outcome,
      });
      return result;
    } catch (error) {
      const decision = decide(error, attempt, job.opts.attempts ?? 1);
      const durationMs = Date.now() - started;
      switch (decision.action) {
        case 'hold': {
          const holdMs =
            decision.holdMs ??
            (decision.reason === 'breaker_open' ? deps.breaker.halfOpenAfterMs : rateLimitedMs);
          logger[decision.reason === 'breaker_open' ? 'info' : 'warn'](HOLD_MESSAGES[decision.reason], {
            ...log,
            holdMs,
          });
          return holdQueue(decision.reason, holdMs);
        }
        case 'settle-exists': {
          const result = await settle(job, businessId, {
            state: 'exists',
            jobId,
            at: new Date().toISOString(),
          });
          logger.info('customer already exists in Ropo One', { ...log, durationMs, outcome: result.outcome });
          return result;
        }
        case 'pause':
          // Bad credentials, a missing contract or a wrong base URL fail every job alike: stop and call a human.
          logger.error(
            'ALERT: Ropo One refused our configuration (credentials, contract or URL); the queue is paused',
            {
              ...log,
              code: decision.failure.code,
              httpStatus: decision.failure.httpStatus,
              action:
                'fix ROPO_BASE_URL, ROPO_CID/ROPO_APICODE or the create_customer_api contract, then run `npx onboarding resume`',
            },
          );
          await control.pause();
          return holdQueue('auth', authHoldMs);
        case 'retry':
        case 'dead-letter': {
          const { failure } = decision;
          observer.attemptFailed(failure.code);
          await deps.attempts.append(job, {
            attempt,
            at: new Date().toISOString(),
            code: failure.code,
            message: failure.message,
          });
          if (decision.action === 'dead-letter') return deadLetter(job, businessId, decision.reason);
          logger.warn('attempt failed; will retry', { ...log, durationMs, code: failure.code });
          throw error;
        }
      }
    }
  };
}
