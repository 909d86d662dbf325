import type { JobsOptions } from 'bullmq';

/** The name of the custom backoff the worker registers (see src/pipeline/backoff.ts). */
export const BACKOFF_TYPE = 'ropo-jittered';

/** Retry budget for onboarding jobs, from config. */
export interface RetryBudget {
  attempts: number;
}

/** Job options every producer uses, so a job's retry budget does not depend on who enqueued it. */
export function onboardingJobOptions(budget: RetryBudget): JobsOptions {
  return {
    attempts: budget.attempts,
    backoff: { type: BACKOFF_TYPE },
    // Completed jobs stay a while so that status look-ups and duplicate deliveries still find them.
    removeOnComplete: { age: 30 * 24 * 3600 },
    removeOnFail: false,
  };
}
