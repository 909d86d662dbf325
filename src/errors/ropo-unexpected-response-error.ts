import { RopoError } from './ropo-error';

/** Ropo One answered with something matching no documented shape (a 2xx body, or an undocumented status). */
export class RopoUnexpectedResponseError extends RopoError {
  readonly code = 'ROPO_UNEXPECTED_RESPONSE' as const;
  readonly retryable = false;
}
