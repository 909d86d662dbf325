import type { JobsOptions, QueueOptions } from 'bullmq';

/** The name of the custom backoff the worker registers (see src/pipeline/backoff.ts). */
export const BACKOFF_TYPE = 'ropo-jittered';

/** Retry budget for onboarding jobs, from config. */
export interface RetryBudget {
  attempts: number;
}

/**
 * How many entries BullMQ keeps (approximately) in each queue's `<prefix>:<queue>:events` stream.
 * The stream repeats job ids, return values and failure messages (which may echo personal data
 * Ropo One sent back); nothing of ours reads old entries, so it stays short (BullMQ's default is 10000).
 */
export const EVENTS_STREAM_MAX_LEN = 500;

/**
 * The `streams` option every Queue of the service is opened with. BullMQ writes it to the queue's
 * meta hash when a Queue is created, so every Queue instance must give the same value.
 */
export function queueStreams(): NonNullable<QueueOptions['streams']> {
  return { events: { maxLen: EVENTS_STREAM_MAX_LEN } };
}

/**
 * Job options every producer uses, so a job's retry budget does not depend on who enqueued it.
 * No `removeOnComplete`: the worker's COMPLETED_RETENTION applies (a job's own option would win).
 * Failed jobs are kept until the worker has written their dead letter, then removed.
 */
export function onboardingJobOptions(budget: RetryBudget): JobsOptions {
  return {
    attempts: budget.attempts,
    backoff: { type: BACKOFF_TYPE },
    removeOnFail: false,
  };
}
