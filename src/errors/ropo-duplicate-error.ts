import { RopoError } from './ropo-error';

/** The business id already has a Ropo One profile: the job's goal is met, treat it as onboarded. */
export class RopoDuplicateError extends RopoError {
  readonly code = 'ROPO_DUPLICATE' as const;
  readonly retryable = false;
}
