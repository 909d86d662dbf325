import type { BackoffStrategy } from 'bullmq';
import { decideRetry } from '../ropo/retry-policy';

/** Bounds of the queue-level backoff between attempts. */
export interface BackoffOptions {
  baseMs: number;
  maxMs: number;
  random?: () => number;
}

/**
 * BullMQ backoff built on the same retry policy as the client's in-process retries. Here an
 * unknown outcome may be retried: the next attempt meets the ledger and Ropo's duplicate answer.
 * The processor has already dead-lettered what must not be retried, so every error here is retryable.
 */
export function createBackoffStrategy(options: BackoffOptions): BackoffStrategy {
  return (attemptsMade, _type, error) => {
    const { retryAfterMs } = (error ?? {}) as { retryAfterMs?: number };
    const decision = decideRetry({ retryable: true, retryAfterMs }, attemptsMade, {
      baseMs: options.baseMs,
      maxMs: options.maxMs,
      retryUnknownOutcome: true,
      retryAfterCapMs: Number.POSITIVE_INFINITY,
      random: options.random,
    });
    return decision.retry ? decision.delayMs : options.maxMs;
  };
}
