import { isAxiosError } from 'axios';
import { z } from 'zod';
import { RopoAuthError } from '../errors/ropo-auth-error';
import { RopoDuplicateError } from '../errors/ropo-duplicate-error';
import type { RopoError, RopoErrorBody } from '../errors/ropo-error';
import { isRopoError } from '../errors/ropo-error';
import { RopoRateLimitedError } from '../errors/ropo-rate-limited-error';
import { RopoRejectedError } from '../errors/ropo-rejected-error';
import { RopoUnavailableError } from '../errors/ropo-unavailable-error';
import { RopoUnexpectedResponseError } from '../errors/ropo-unexpected-response-error';
import { redactString } from '../logger';
import {
  DUPLICATE_MESSAGE_PATTERN,
  DUPLICATE_STATUS,
  MISSING_CONTRACT_STATUS,
  NOT_PROCESSED_STATUSES,
  RATE_LIMIT_STATUS,
  REJECTION_STATUSES,
  TOKEN_EXPIRED_STATUS,
} from './assumptions';
import { parseRetryAfter } from './retry-policy';

/** Which Ropo One endpoint answered: the same status means different things on each. */
export type RopoEndpoint = 'token' | 'createprofile';

/** A non-2xx HTTP answer, as much of it as classification needs. */
export interface HttpAnswer {
  status: number;
  body: unknown;
  headers?: Record<string, unknown>;
}

const errorBodySchema = z.object({ Code: z.number().int(), Message: z.string() });
const authErrorBodySchema = z.object({ errorId: z.number().int(), errorText: z.string() });

// Ropo's messages may echo an input value: redact, and keep them short enough for a log line.
function clean(text: string): string {
  const redacted = redactString(text);
  return redacted.length > 300 ? `${redacted.slice(0, 300)}…` : redacted;
}

/** Reads Ropo's documented `Error {Code, Message}` from a body, redacting the message; undefined when absent. */
export function readRopoErrorBody(body: unknown): RopoErrorBody | undefined {
  const parsed = errorBodySchema.safeParse(body);
  return parsed.success ? { Code: parsed.data.Code, Message: clean(parsed.data.Message) } : undefined;
}

// The error's message ends up in payload-free places (BullMQ's failedReason on the board, the
// attempt log, dead-letter lists, metrics-adjacent logs), and Ropo's free text may quote a name, a
// phone number or an IBAN the redactor does not recognise. So the message names the code only; the
// text stays in `ropoError.Message` (redacted), which only the payload-bearing dead-letter record keeps.
function describe(ropoError: RopoErrorBody | undefined): string {
  return ropoError ? `, Error ${ropoError.Code}` : '';
}

/** Classifies a non-2xx answer from `endpoint` into a RopoError subclass. Pure apart from `nowMs`. */
export function classifyHttpAnswer(
  endpoint: RopoEndpoint,
  answer: HttpAnswer,
  nowMs = Date.now(),
): RopoError {
  const { status } = answer;
  const ropoError = readRopoErrorBody(answer.body);
  const retryAfterMs = parseRetryAfter(answer.headers?.['retry-after'], nowMs);
  const where = endpoint === 'token' ? 'POST /rest/token' : 'POST /rest/profile/createprofile';

  if (
    endpoint === 'token' &&
    (status === 400 || status === TOKEN_EXPIRED_STATUS || status === MISSING_CONTRACT_STATUS)
  ) {
    const auth = authErrorBodySchema.safeParse(answer.body);
    const detail = auth.success
      ? `, errorId ${auth.data.errorId}: ${clean(auth.data.errorText)}`
      : describe(ropoError);
    return new RopoAuthError(`Ropo One refused the credentials (${where} answered ${status}${detail})`, {
      status,
      ropoError,
    });
  }
  if (status === RATE_LIMIT_STATUS) {
    const wait = retryAfterMs === undefined ? '' : `, Retry-After ${retryAfterMs} ms`;
    return new RopoRateLimitedError(`Ropo One is rate limiting (${where} answered 429${wait})`, {
      status,
      ropoError,
      retryAfterMs,
    });
  }
  if (status === DUPLICATE_STATUS) {
    return new RopoDuplicateError(
      `Ropo One already has this business id (${where} answered ${status}${describe(ropoError)})`,
      {
        status,
        ropoError,
      },
    );
  }
  if (REJECTION_STATUSES.has(status) && ropoError && DUPLICATE_MESSAGE_PATTERN.test(ropoError.Message)) {
    return new RopoDuplicateError(
      `Ropo One already has this business id (${where} answered ${status}${describe(ropoError)})`,
      {
        status,
        ropoError,
      },
    );
  }
  if (REJECTION_STATUSES.has(status)) {
    return new RopoRejectedError(
      `Ropo One rejected the profile (${where} answered ${status}${describe(ropoError)})`,
      {
        status,
        ropoError,
      },
    );
  }
  if (status === TOKEN_EXPIRED_STATUS) {
    return new RopoAuthError(`Ropo One refused the token (${where} answered 401${describe(ropoError)})`, {
      status,
      ropoError,
    });
  }
  if (status === MISSING_CONTRACT_STATUS) {
    return new RopoAuthError(
      `Ropo One forbids the call: is the create_customer_api contract active? (${where} answered 403${describe(ropoError)})`,
      { status, ropoError },
    );
  }
  if (status >= 500) {
    const notProcessed = NOT_PROCESSED_STATUSES.has(status);
    return new RopoUnavailableError(
      `Ropo One is unavailable (${where} answered ${status}${describe(ropoError)}${notProcessed ? '' : '; the outcome is unknown'})`,
      { status, ropoError, retryAfterMs, outcomeUnknown: !notProcessed },
    );
  }
  // 404, 405, 413, 3xx…: our request or configuration is wrong in a way Ropo does not document.
  if (status >= 400 && ropoError) {
    return new RopoRejectedError(
      `Ropo One rejected the request (${where} answered ${status}${describe(ropoError)})`,
      {
        status,
        ropoError,
      },
    );
  }
  return new RopoUnexpectedResponseError(
    `Ropo One answered an undocumented status (${where} answered ${status})`,
    {
      status,
      ropoError,
    },
  );
}

// Connection never established: Ropo cannot have seen the request, so repeating it is safe.
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);
const TIMEOUT_CODES = new Set(['ECONNABORTED', 'ETIMEDOUT']);

/** Classifies a failure with no HTTP answer (refused, reset, timeout) by its Node/axios error code. */
export function classifyNetworkError(
  endpoint: RopoEndpoint,
  code: string | undefined,
  cause?: unknown,
): RopoError {
  const where = endpoint === 'token' ? 'POST /rest/token' : 'POST /rest/profile/createprofile';
  if (code && NOT_SENT_CODES.has(code)) {
    return new RopoUnavailableError(`Ropo One could not be reached (${where}: ${code})`, {
      cause,
      outcomeUnknown: false,
    });
  }
  const what = code && TIMEOUT_CODES.has(code) ? 'timed out' : `failed mid-request (${code ?? 'no code'})`;
  return new RopoUnavailableError(`Ropo One ${what} (${where}); the outcome is unknown`, {
    cause,
    outcomeUnknown: true,
  });
}

/** Turns whatever axios threw into a RopoError; RopoErrors pass through unchanged. */
export function classifyAxiosError(endpoint: RopoEndpoint, error: unknown, nowMs = Date.now()): RopoError {
  if (isRopoError(error)) return error;
  if (isAxiosError(error)) {
    if (error.response) {
      return classifyHttpAnswer(
        endpoint,
        {
          status: error.response.status,
          body: error.response.data,
          headers: error.response.headers as Record<string, unknown>,
        },
        nowMs,
      );
    }
    // The cause is dropped on purpose: an AxiosError holds the request config, headers and body.
    return classifyNetworkError(endpoint, error.code);
  }
  const code = (error as { code?: unknown } | null)?.code;
  return classifyNetworkError(endpoint, typeof code === 'string' ? code : undefined);
}
