import { RopoError } from './ropo-error';

/** Ropo One refused the payload (400/422 with its `Error {Code, Message}`): permanent, fix the data. */
export class RopoRejectedError extends RopoError {
  readonly code = 'ROPO_REJECTED' as const;
  readonly retryable = false;
}
