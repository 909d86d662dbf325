import { randomUUID } from 'node:crypto';
import { errors, jwtVerify, SignJWT } from 'jose';

/** The claims the sandbox puts in its tokens. */
export interface SandboxClaims {
  sub: string;
  iat: number;
  exp: number;
  jti: string;
  /** Tokens of an older generation are refused: that is how "expire all tokens now" works. */
  gen: number;
}

/** Issues an HS256 JWT like Ropo One's, valid for `ttlSeconds` from `nowMs`. */
export async function issueSandboxToken(
  secret: Uint8Array,
  subject: string,
  generation: number,
  ttlSeconds: number,
  nowMs: number,
): Promise<string> {
  const iat = Math.floor(nowMs / 1000);
  return new SignJWT({ gen: generation })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(subject)
    .setIssuedAt(iat)
    .setExpirationTime(iat + ttlSeconds)
    .setJti(randomUUID())
    .sign(secret);
}

/** Why a token was refused, or its claims when it is good. */
export type TokenCheck =
  | { ok: true; claims: SandboxClaims }
  | { ok: false; reason: 'malformed' | 'signature' | 'expired' | 'revoked' };

/** Verifies signature, expiry and generation of a sandbox token. */
export async function verifySandboxToken(
  token: string,
  secret: Uint8Array,
  generation: number,
  nowMs: number,
): Promise<TokenCheck> {
  let claims: SandboxClaims;
  try {
    const verified = await jwtVerify(token, secret, {
      algorithms: ['HS256'],
      currentDate: new Date(nowMs),
      requiredClaims: ['exp', 'sub'],
    });
    claims = verified.payload as unknown as SandboxClaims;
  } catch (error) {
    if (error instanceof errors.JWTExpired) return { ok: false, reason: 'expired' };
    if (error instanceof errors.JWSSignatureVerificationFailed) return { ok: false, reason: 'signature' };
    return { ok: false, reason: 'malformed' };
  }
  return checkSandboxClaims(claims, generation, nowMs);
}

/**
 * The checks of a token's claims after its signature held: expiry by jose's rule (expired once `exp`
 * is not after the current second), then the generation. Shared with the verifier that checks each
 * signature once.
 */
export function checkSandboxClaims(claims: SandboxClaims, generation: number, nowMs: number): TokenCheck {
  if (claims.exp <= Math.floor(nowMs / 1000)) return { ok: false, reason: 'expired' };
  if (claims.gen !== generation) return { ok: false, reason: 'revoked' };
  return { ok: true, claims };
}
