import { createHash, timingSafeEqual } from 'node:crypto';
import type { Request, RequestHandler, Response } from 'express';
import expressBasicAuth from 'express-basic-auth';
import { sendError, type ApiErrorBody } from './errors';
import { requestContext } from './request-context';

const digest = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();

/**
 * True when `given` equals one of `secrets`. Compares SHA-256 digests with timingSafeEqual, so
 * neither the secrets' lengths nor the position of the first differing byte leak through timing,
 * and checks every secret instead of stopping at the first match.
 */
export function matchesAnySecret(given: string, secretDigests: readonly Buffer[]): boolean {
  return indexOfSecret(given, secretDigests) >= 0;
}

/** The index of the secret `given` equals, or -1; constant-time over every secret like {@link matchesAnySecret}. */
function indexOfSecret(given: string, secretDigests: readonly Buffer[]): number {
  const candidate = digest(given);
  let found = -1;
  secretDigests.forEach((secret, index) => {
    if (timingSafeEqual(candidate, secret) && found < 0) found = index;
  });
  return found;
}

/** What a Bearer token may do. Each scope has its own variable; a token may be listed under several. */
export const TOKEN_SCOPES = ['intake', 'operator', 'credentials'] as const;

/** One of {@link TOKEN_SCOPES}. */
export type TokenScope = (typeof TOKEN_SCOPES)[number];

/** The environment variable that lists each scope's tokens, for messages and docs. */
export const SCOPE_VARIABLES: Record<TokenScope, string> = {
  intake: 'INTAKE_TOKENS',
  operator: 'OPERATOR_TOKENS',
  credentials: 'CREDENTIALS_TOKENS',
};

/** Who called, as far as audit records need it: the scopes the token holds and a label that is not the token. */
export interface Caller {
  scopes: ReadonlySet<TokenScope>;
  /** `operator#2`: the scope and 1-based position of the token in its variable; never the token itself. */
  label: string;
}

const CALLER = Symbol('caller');

/** The authenticated caller of this request, once {@link bearerTokens} has run; undefined without a valid token. */
export function callerOf(res: Response): Caller | undefined {
  return (res.locals as { [CALLER]?: Caller })[CALLER];
}

/**
 * Reads `Authorization: Bearer <token>` and records which scopes it holds (see {@link callerOf}).
 * It refuses nothing by itself: {@link requireScope} on each route does, so that a route's scope
 * stands beside the route.
 */
export function bearerTokens(tokens: Readonly<Record<TokenScope, readonly string[]>>): RequestHandler {
  const byScope = TOKEN_SCOPES.map((scope) => ({ scope, digests: (tokens[scope] ?? []).map(digest) }));
  return (req, res, next) => {
    const match = /^Bearer[ ]+([^\s]+)\s*$/i.exec(req.get('authorization') ?? '');
    if (match) {
      const scopes = new Set<TokenScope>();
      let label: string | undefined;
      for (const { scope, digests } of byScope) {
        const index = indexOfSecret(match[1] as string, digests);
        if (index < 0) continue;
        scopes.add(scope);
        label ??= `${scope}#${index + 1}`;
      }
      if (label) (res.locals as { [CALLER]?: Caller })[CALLER] = { scopes, label };
    }
    next();
  };
}

/**
 * Lets the request through when its Bearer token holds one of `scopes`: no valid token is 401
 * `UNAUTHORIZED`, a valid token of another scope is 403 `FORBIDDEN`. Needs {@link bearerTokens} first.
 */
export function requireScope(...scopes: TokenScope[]): RequestHandler {
  const wanted = scopes.map((s) => SCOPE_VARIABLES[s]).join(' or ');
  return (_req, res, next) => {
    const caller = callerOf(res);
    if (caller && scopes.some((s) => caller.scopes.has(s))) return next();
    if (caller) return sendError(res, 403, 'FORBIDDEN', `this route needs a token from ${wanted}`);
    res.setHeader('WWW-Authenticate', 'Bearer realm="ropo-onboarding"');
    sendError(res, 401, 'UNAUTHORIZED', 'a valid Bearer token is required (Authorization: Bearer <token>)');
  };
}

/**
 * Requires HTTP basic authentication with this user name and password (the browser prompts for
 * them). express-basic-auth parses and challenges; the comparison is ours, over digests, so
 * neither the length nor a prefix of the password shows in the timing.
 */
export function basicAuth(
  credentials: { username: string; password: string },
  realm: string,
): RequestHandler {
  const expected = [digest(`${credentials.username}:${credentials.password}`)];
  return expressBasicAuth({
    authorizer: (username: string, password: string) => matchesAnySecret(`${username}:${password}`, expected),
    challenge: true,
    realm,
    unauthorizedResponse: (req: Request): ApiErrorBody => ({
      error: {
        code: 'UNAUTHORIZED',
        message: 'basic authentication is required',
        requestId: req.res ? requestContext(req.res).requestId : '',
      },
    }),
  });
}
