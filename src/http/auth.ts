import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { sendError } from './errors';

const digest = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();

/**
 * True when `given` equals one of `secrets`. Compares SHA-256 digests with timingSafeEqual, so
 * neither the secrets' lengths nor the position of the first differing byte leak through timing,
 * and checks every secret instead of stopping at the first match.
 */
export function matchesAnySecret(given: string, secretDigests: readonly Buffer[]): boolean {
  const candidate = digest(given);
  let matched = false;
  for (const secret of secretDigests) matched = timingSafeEqual(candidate, secret) || matched;
  return matched;
}

/**
 * Requires `Authorization: Bearer <token>` with one of `tokens` (INTAKE_TOKENS). With no tokens
 * configured every request is refused: an intake that accepts anyone is never the default.
 */
export function bearerAuth(tokens: readonly string[]): RequestHandler {
  const digests = tokens.map(digest);
  return (req, res, next) => {
    const match = /^Bearer[ ]+([^\s]+)\s*$/i.exec(req.get('authorization') ?? '');
    if (match && digests.length > 0 && matchesAnySecret(match[1] as string, digests)) return next();
    res.setHeader('WWW-Authenticate', 'Bearer realm="ropo-onboarding"');
    sendError(res, 401, 'UNAUTHORIZED', 'a valid Bearer token is required (Authorization: Bearer <token>)');
  };
}

/** Requires HTTP basic authentication with this user name and password (the browser prompts for them). */
export function basicAuth(
  credentials: { username: string; password: string },
  realm: string,
): RequestHandler {
  const expected = [digest(`${credentials.username}:${credentials.password}`)];
  return (req, res, next) => {
    const match = /^Basic[ ]+([A-Za-z0-9+/=]+)\s*$/i.exec(req.get('authorization') ?? '');
    const given = match ? Buffer.from(match[1] as string, 'base64').toString('utf8') : undefined;
    if (given !== undefined && matchesAnySecret(given, expected)) return next();
    res.setHeader('WWW-Authenticate', `Basic realm="${realm}", charset="UTF-8"`);
    sendError(res, 401, 'UNAUTHORIZED', 'basic authentication is required');
  };
}
