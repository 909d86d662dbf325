/** The Ropo One client and everything a caller needs to act on its answers. */
export { createRopoClient } from './ropo-client';
export type { CreateProfileResult, RopoClient, RopoClientOptions } from './ropo-client';
export { decideRetry, parseRetryAfter } from './retry-policy';
export type { RetryCandidate, RetryDecision, RetryPolicyOptions } from './retry-policy';
export { classifyAxiosError, classifyHttpAnswer, classifyNetworkError, readRopoErrorBody } from './classify';
export type { HttpAnswer, RopoEndpoint } from './classify';
export { parseCreateProfileBody } from './create-profile-result';
export * as assumptions from './assumptions';
export { RopoError, isRopoError } from '../errors/ropo-error';
export type { RopoErrorBody, RopoErrorCode, RopoErrorDetails } from '../errors/ropo-error';
export { RopoAuthError } from '../errors/ropo-auth-error';
export { RopoDuplicateError } from '../errors/ropo-duplicate-error';
export { RopoRateLimitedError } from '../errors/ropo-rate-limited-error';
export { RopoRejectedError } from '../errors/ropo-rejected-error';
export { RopoUnavailableError } from '../errors/ropo-unavailable-error';
export { RopoUnexpectedResponseError } from '../errors/ropo-unexpected-response-error';
