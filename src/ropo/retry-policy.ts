/** Bounds of the retry policy; the same function serves axios-retry (in-process) and BullMQ's backoff (queue). */
export interface RetryPolicyOptions {
  /** Delay before the first retry, before jitter. */
  baseMs: number;
  /** Ceiling of the exponential delay. */
  maxMs: number;
  /** Total attempts allowed, the first included; omit to leave the count to the caller (axios-retry, BullMQ). */
  maxAttempts?: number;
  /** A `Retry-After` longer than this is not waited for here: stop, and let the caller pause the queue instead. */
  retryAfterCapMs?: number;
  /**
   * Whether failures whose outcome is unknown (timeout, reset, 500/502/504) may be repeated. False in-process:
   * a non-idempotent POST is only repeated by the queue, whose next attempt meets the ledger and Ropo's 409.
   */
  retryUnknownOutcome?: boolean;
  /** Jitter source in [0, 1); injectable so tests can pin it. */
  random?: () => number;
}

/** What the policy reads from an error; every `RopoError` has this shape. */
export interface RetryCandidate {
  retryable?: boolean;
  outcomeUnknown?: boolean;
  retryAfterMs?: number;
}

/** The policy's answer: try again after `delayMs`, or stop. */
export type RetryDecision = { retry: true; delayMs: number } | { retry: false };

// Spread a herd that was told the same Retry-After by up to a tenth of it.
const RETRY_AFTER_JITTER = 0.1;

function asCandidate(error: unknown): RetryCandidate {
  if (error === null || typeof error !== 'object') return {};
  const { retryable, outcomeUnknown, retryAfterMs } = error as Record<string, unknown>;
  return {
    retryable: retryable === true,
    outcomeUnknown: outcomeUnknown === true,
    retryAfterMs:
      typeof retryAfterMs === 'number' && Number.isFinite(retryAfterMs) ? retryAfterMs : undefined,
  };
}

/**
 * Decides whether to try again after failed attempt number `attempt` (1 = the first try failed) and how long
 * to wait: exponential from `baseMs`, capped at `maxMs`, with "equal jitter" (half fixed, half random) so the
 * delay never collapses to zero; never shorter than the server's `Retry-After`. Pure: no clock, no I/O.
 */
export function decideRetry(error: unknown, attempt: number, options: RetryPolicyOptions): RetryDecision {
  const candidate = asCandidate(error);
  if (!candidate.retryable) return { retry: false };
  if (candidate.outcomeUnknown && !options.retryUnknownOutcome) return { retry: false };
  if (options.maxAttempts !== undefined && attempt >= options.maxAttempts) return { retry: false };

  const random = options.random ?? Math.random;
  const step = Math.max(1, Math.floor(attempt));
  const exponential = Math.min(options.maxMs, options.baseMs * 2 ** (step - 1));
  let delayMs = exponential / 2 + random() * (exponential / 2);

  const retryAfterMs = candidate.retryAfterMs;
  if (retryAfterMs !== undefined && retryAfterMs > 0) {
    const cap = options.retryAfterCapMs ?? options.maxMs;
    if (retryAfterMs > cap) return { retry: false };
    delayMs = Math.max(delayMs, retryAfterMs + random() * retryAfterMs * RETRY_AFTER_JITTER);
  }
  return { retry: true, delayMs: Math.round(delayMs) };
}

/**
 * Reads a `Retry-After` header: delta-seconds or an HTTP date, relative to `nowMs`. Returns milliseconds
 * (0 for a date in the past), or undefined when absent or unreadable.
 */
export function parseRetryAfter(value: unknown, nowMs: number): number | undefined {
  const header = Array.isArray(value) ? value[0] : value;
  if (typeof header === 'number') return header >= 0 ? header * 1000 : undefined;
  if (typeof header !== 'string') return undefined;
  const trimmed = header.trim();
  if (trimmed === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  // An HTTP date names its month; without this, Date.parse would read "-1" as a year.
  if (!/[A-Za-z]{3}/.test(trimmed)) return undefined;
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - nowMs);
}
