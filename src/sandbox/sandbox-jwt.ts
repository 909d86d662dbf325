import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';

/** The claims the sandbox puts in its tokens. */
export interface SandboxClaims {
  sub: string;
  iat: number;
  exp: number;
  jti: string;
  /** Tokens of an older generation are refused: that is how "expire all tokens now" works. */
  gen: number;
}

const encode = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
const HEADER = encode({ alg: 'HS256', typ: 'JWT' });

function sign(input: string, secret: Buffer): string {
  return createHmac('sha256', secret).update(input).digest('base64url');
}

/** Issues an HS256 JWT like Ropo One's, valid for `ttlSeconds` from `nowMs`. */
export function issueSandboxToken(
  secret: Buffer,
  subject: string,
  generation: number,
  ttlSeconds: number,
  nowMs: number,
): string {
  const iat = Math.floor(nowMs / 1000);
  const claims: SandboxClaims = {
    sub: subject,
    iat,
    exp: iat + ttlSeconds,
    jti: randomUUID(),
    gen: generation,
  };
  const unsigned = `${HEADER}.${encode(claims)}`;
  return `${unsigned}.${sign(unsigned, secret)}`;
}

/** Why a token was refused, or its claims when it is good. */
export type TokenCheck =
  | { ok: true; claims: SandboxClaims }
  | { ok: false; reason: 'malformed' | 'signature' | 'expired' | 'revoked' };

/** Verifies signature, expiry and generation of a sandbox token. */
export function verifySandboxToken(
  token: string,
  secret: Buffer,
  generation: number,
  nowMs: number,
): TokenCheck {
  const parts = token.split('.');
  if (parts.length !== 3 || !parts[0] || !parts[1] || !parts[2]) return { ok: false, reason: 'malformed' };
  const expected = Buffer.from(sign(`${parts[0]}.${parts[1]}`, secret));
  const given = Buffer.from(parts[2]);
  if (expected.length !== given.length || !timingSafeEqual(expected, given))
    return { ok: false, reason: 'signature' };
  let claims: SandboxClaims;
  try {
    claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as SandboxClaims;
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  if (typeof claims.exp !== 'number' || claims.exp * 1000 <= nowMs) return { ok: false, reason: 'expired' };
  if (claims.gen !== generation) return { ok: false, reason: 'revoked' };
  return { ok: true, claims };
}
