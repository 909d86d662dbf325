import { RopoError } from './ropo-error';

/** Ropo One answered 429; `retryAfterMs` is its requested wait when it gave one. The request was not processed. */
export class RopoRateLimitedError extends RopoError {
  readonly code = 'ROPO_RATE_LIMITED' as const;
  readonly retryable = true;
}
