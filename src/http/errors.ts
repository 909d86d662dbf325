import type { ErrorRequestHandler, RequestHandler, Response } from 'express';
import type { FieldError } from '../contracts/validate-payload';
import type { ReadResult } from '../intake/read-message';
import { requestContext } from './request-context';

/** Every `error.code` the HTTP API answers with; clients switch on these, so they never change meaning. */
export const API_ERROR_CODES = [
  'UNAUTHORIZED',
  'FORBIDDEN',
  'PAYLOAD_INVALID',
  'BODY_TOO_LARGE',
  'BATCH_TOO_MANY_LINES',
  'UNSUPPORTED_MEDIA_TYPE',
  'MALFORMED_JSON',
  'REDIS_UNAVAILABLE',
  'REDIS_FULL',
  'BACKLOG_FULL',
  'NOT_FOUND',
  'READ_ONLY',
  'BAD_REQUEST',
  'INTERNAL_ERROR',
  'SIGNATURE_INVALID',
  'SIGNATURE_EXPIRED',
  'EVENT_TYPE_UNKNOWN',
  'CLOUDEVENT_INVALID',
  'ACTIVATION_CONFLICT',
  'CREDENTIALS_UNAVAILABLE',
] as const;

/** One of {@link API_ERROR_CODES}. */
export type ApiErrorCode = (typeof API_ERROR_CODES)[number];

/** The JSON body of every error answer. */
export interface ApiErrorBody {
  error: { code: ApiErrorCode; message: string; errors?: FieldError[]; requestId: string };
}

/** An error a handler throws to answer with a given status and code; the message must hold no personal value. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ApiErrorCode,
    message: string,
    readonly errors?: FieldError[],
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** The 422 for a record with field errors: PAYLOAD_INVALID, the errors listed. */
export function payloadInvalid(errors: FieldError[]): ApiError {
  return new ApiError(422, 'PAYLOAD_INVALID', `${errors.length} field error(s)`, errors);
}

/** The 422 for a message the intake reader refused: its own code (EVENT_TYPE_UNKNOWN), else PAYLOAD_INVALID. */
export function refusedMessage(read: Extract<ReadResult, { ok: false }>): ApiError {
  if (!read.code) return payloadInvalid(read.errors);
  return new ApiError(422, read.code, read.errors[0]?.message ?? read.code, read.errors);
}

/** Writes the standard error body; `requestId` comes from the request's context. */
export function sendError(
  res: Response,
  status: number,
  code: ApiErrorCode,
  message: string,
  errors?: FieldError[],
): void {
  const body: ApiErrorBody = {
    error: { code, message, ...(errors ? { errors } : {}), requestId: requestContext(res).requestId },
  };
  res.status(status).json(body);
}

// body-parser's error types; its messages may quote the body (JSON.parse does), so they are never echoed.
interface BodyParserError {
  type?: string;
  status?: number;
  message?: string;
}

function positionOf(error: BodyParserError): string {
  const match = /position (\d+)/.exec(error.message ?? '');
  return match ? ` (near byte ${match[1]})` : '';
}

/** The last error middleware: maps thrown errors to the standard body and logs unexpected ones (redacted). */
export function errorHandler(): ErrorRequestHandler {
  return (error: unknown, _req, res, next) => {
    if (res.headersSent) return next(error);
    if (error instanceof ApiError) {
      for (const [name, value] of Object.entries(error.headers)) res.setHeader(name, value);
      return sendError(res, error.status, error.code, error.message, error.errors);
    }
    const parser = error as BodyParserError;
    switch (parser.type) {
      case 'entity.too.large':
        return sendError(res, 413, 'BODY_TOO_LARGE', 'the request body is larger than the configured limit');
      case 'entity.parse.failed':
        return sendError(
          res,
          400,
          'MALFORMED_JSON',
          `the request body is not valid JSON${positionOf(parser)}`,
        );
      case 'encoding.unsupported':
      case 'charset.unsupported':
        return sendError(res, 415, 'UNSUPPORTED_MEDIA_TYPE', 'unsupported charset or content encoding');
      case 'request.aborted':
        return sendError(res, 400, 'BAD_REQUEST', 'the client aborted the request');
      default:
        break;
    }
    requestContext(res).logger.error('request failed', { error });
    return sendError(res, 500, 'INTERNAL_ERROR', 'internal error; see the server log for this request id');
  };
}

/** Answers 404 NOT_FOUND for any route no router claimed. */
export function notFoundHandler(): RequestHandler {
  return (_req, res) => sendError(res, 404, 'NOT_FOUND', 'no such route');
}
