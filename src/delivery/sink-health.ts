/** What a failed attempt means for its sink and its event. */
export type FailureVerdict =
  /** Retry later, as usual. */
  | 'retry'
  /** The sink has not delivered anything for the whole window: disable it (its events wait). */
  | 'disable-sink'
  /** The sink works for other events, but this one has failed for the whole window: give it up (replayable). */
  | 'give-up-event';

/**
 * Facts for {@link decideFailure}. `failingSinceMs`: when the sink's current run of failures began;
 * `eventFirstAttemptMs`: when this event's first delivery attempt started (not when it was queued).
 */
export interface FailureFacts {
  nowMs: number;
  failingSinceMs: number;
  eventFirstAttemptMs: number;
  disableAfterMs: number;
}

/**
 * Decides, after a failed attempt, between retrying, disabling the sink and giving up one event.
 * Only failures disable: one success anywhere on the sink restarts its window. Pure.
 */
export function decideFailure(facts: FailureFacts): FailureVerdict {
  if (facts.nowMs - facts.failingSinceMs >= facts.disableAfterMs) return 'disable-sink';
  if (facts.nowMs - facts.eventFirstAttemptMs >= facts.disableAfterMs) return 'give-up-event';
  return 'retry';
}
