import { checkSandboxClaims, verifySandboxToken, type SandboxClaims, type TokenCheck } from './sandbox-jwt';

/** How many verified tokens are remembered; a worker fleet holds a handful at a time. */
const DEFAULT_CAPACITY = 1_024;

/**
 * Verifies sandbox tokens, each signature once. Every createprofile carries one of a handful of
 * tokens, and jose's HS256 check through WebCrypto cost the sandbox about a third of its CPU per
 * call (profiled at 50 ms latency): CPU the workers it stands in for would never pay to the real
 * Ropo One, which runs elsewhere. A remembered token still meets its expiry and generation on
 * every call; a string never verified (forged, tampered with) goes through jose as before.
 */
export class SandboxTokenVerifier {
  private readonly verified = new Map<string, SandboxClaims>();

  constructor(
    private readonly secret: Uint8Array,
    private readonly capacity = DEFAULT_CAPACITY,
  ) {}

  /** The same answer as {@link verifySandboxToken} for the same token, generation and time. */
  async verify(token: string, generation: number, nowMs: number): Promise<TokenCheck> {
    const known = this.verified.get(token);
    if (known) return this.recheck(token, known, generation, nowMs);
    const check = await verifySandboxToken(token, this.secret, generation, nowMs);
    if (check.ok) this.remember(token, check.claims);
    return check;
  }

  private recheck(token: string, claims: SandboxClaims, generation: number, nowMs: number): TokenCheck {
    const check = checkSandboxClaims(claims, generation, nowMs);
    // An expired token never becomes good again: it need not take a place.
    if (!check.ok && check.reason === 'expired') this.verified.delete(token);
    return check;
  }

  private remember(token: string, claims: SandboxClaims): void {
    // Oldest first out: a Map iterates in insertion order.
    if (this.verified.size >= this.capacity) {
      const oldest = this.verified.keys().next();
      if (!oldest.done) this.verified.delete(oldest.value);
    }
    this.verified.set(token, claims);
  }
}
