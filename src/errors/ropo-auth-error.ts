import { RopoError } from './ropo-error';

/** Bad credentials, a token Ropo keeps refusing, or a missing `create_customer_api` contract: systemic, not the job's fault. */
export class RopoAuthError extends RopoError {
  readonly code = 'ROPO_AUTH' as const;
  readonly retryable = false;
}
