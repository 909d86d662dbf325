import type { Response } from 'express';

/** A request body the sandbox cannot read (too large, not JSON); answered 400 like Ropo's own parser. */
export class BodyError extends Error {}

/** Sends `body` as JSON with an explicit length, as Ropo One does. */
export function send(
  res: Response,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

/** Answers with Ropo One's documented error shape `{Code, Message}`. */
export function ropoError(
  res: Response,
  status: number,
  code: number,
  message: string,
  headers: Record<string, string> = {},
): void {
  send(res, status, { Code: code, Message: message }, headers);
}

/** Parses a raw body: empty is `undefined`, anything unparsable a {@link BodyError}. */
export function parseJson(text: unknown): unknown {
  if (typeof text !== 'string' || text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new BodyError('invalid JSON');
  }
}

/** The value as a plain object, or undefined. */
export function asRecord(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

/** A string with something in it besides whitespace. */
export function nonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.trim() !== '';
}

/** A `Retry-After` header, when there is a value to send. */
export function retryAfterHeader(value: number | string | undefined): Record<string, string> {
  return value === undefined ? {} : { 'Retry-After': String(value) };
}

/** Adds one to a counter keyed by status (or 'hang', 'reset', 'drop'). */
export function bump(counter: Record<string, number>, key: string | number): void {
  counter[String(key)] = (counter[String(key)] ?? 0) + 1;
}

/** The body Ropo would never send: HTML where JSON belongs. */
export const GARBAGE_BODY = '<html><body><h1>200 OK</h1><p>upstream said something</p></body></html>';
