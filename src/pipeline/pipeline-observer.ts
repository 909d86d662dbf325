import type { OnboardingOutcome } from '../contracts/onboarding-job';
import type { BreakerState } from './circuit-breaker';

/** Why the processor held the whole queue instead of spending an attempt. */
export type HoldReason = 'rate_limited' | 'unavailable' | 'breaker_open' | 'auth';

/** What the pipeline reports as it works; metrics implement it, tests may count with it. */
export interface PipelineObserver {
  /** A job reached its outcome; `reasonCode` for dead letters. */
  jobFinished(outcome: OnboardingOutcome, reasonCode?: string): void;
  /** An attempt failed and the job will be tried again (or dead-lettered if it was the last). */
  attemptFailed(code: string): void;
  /** The queue was held for `ms`. */
  queueHeld(reason: HoldReason, ms: number): void;
  /** One call to Ropo One ended: an HTTP status or 'error' when no answer came. */
  ropoCall(status: number | 'error', durationMs: number): void;
  breakerChanged(state: BreakerState): void;
}

/** An observer that ignores everything, for wiring without metrics. */
export const NO_OBSERVER: PipelineObserver = {
  jobFinished: () => undefined,
  attemptFailed: () => undefined,
  queueHeld: () => undefined,
  ropoCall: () => undefined,
  breakerChanged: () => undefined,
};
