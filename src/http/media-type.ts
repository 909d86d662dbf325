import type { RequestHandler } from 'express';
import { sendError } from './errors';

/** The media types the intake accepts for one JSON document. */
export const JSON_TYPES = ['application/json', 'application/*+json'];

/** The media types the batch intake accepts: one JSON document per line. */
export const NDJSON_TYPES = ['application/x-ndjson', 'application/ndjson', 'application/jsonl'];

/**
 * Answers 415 unless the body is one of `types`. Runs before the body is read, so a wrong type is
 * refused without parsing; a missing Content-Type counts as wrong.
 */
export function requireMediaType(types: readonly string[], expected: string): RequestHandler {
  return (req, res, next) => {
    if (req.is([...types])) return next();
    sendError(res, 415, 'UNSUPPORTED_MEDIA_TYPE', `expected Content-Type: ${expected}`);
  };
}

/** Like {@link requireMediaType} for routes whose body is optional: only a body of another type is refused. */
export function allowMediaTypeIfBody(types: readonly string[], expected: string): RequestHandler {
  return (req, res, next) => {
    // `req.is` answers null when there is no body at all, false when the body has another type;
    // an empty body (Content-Length: 0, as fetch sends for a bodiless POST) counts as none.
    if (req.get('content-length') === '0' || req.is([...types]) !== false) return next();
    sendError(res, 415, 'UNSUPPORTED_MEDIA_TYPE', `expected Content-Type: ${expected} (or no body)`);
  };
}
