import { RopoError } from './ropo-error';

/** Network failure, timeout or 5xx; `outcomeUnknown` says whether the profile may have been created anyway. */
export class RopoUnavailableError extends RopoError {
  readonly code = 'ROPO_UNAVAILABLE' as const;
  readonly retryable = true;
}
