import { randomBytes } from 'node:crypto';
import { issueSandboxToken, verifySandboxToken } from '../../../src/sandbox/sandbox-jwt';
import { SandboxTokenVerifier } from '../../../src/sandbox/token-verifier';

const NOW = Date.UTC(2026, 11, 7, 12, 0, 0);
const TTL_S = 3_600;

function tamper(token: string, part: 1 | 2): string {
  const parts = token.split('.');
  const segment = parts[part] as string;
  // Flip one character of the segment: still base64url, no longer what was signed.
  parts[part] = `${segment.slice(0, -2)}${segment.at(-2) === 'A' ? 'B' : 'A'}${segment.at(-1)}`;
  return parts.join('.');
}

describe('SandboxTokenVerifier', () => {
  const secret = new Uint8Array(randomBytes(32));

  it('answers as jose does, for a token it has verified before and for one it has not', async () => {
    const token = await issueSandboxToken(secret, 'cid-1', 0, TTL_S, NOW);
    const verifier = new SandboxTokenVerifier(secret);
    // [generation, time] pairs: valid, still valid later, revoked, expired at exp, expired after.
    const cases: [number, number][] = [
      [0, NOW],
      [0, NOW + (TTL_S - 1) * 1000],
      [1, NOW + 1000],
      [0, NOW + TTL_S * 1000],
      [0, NOW + (TTL_S + 60) * 1000],
    ];
    for (const [generation, at] of cases) {
      const expected = await verifySandboxToken(token, secret, generation, at);
      // `verifier` remembers the token from its first call on; a new verifier has to ask jose.
      await expect(verifier.verify(token, generation, at)).resolves.toEqual(expected);
      await expect(new SandboxTokenVerifier(secret).verify(token, generation, at)).resolves.toEqual(expected);
    }
    await expect(verifier.verify(token, 0, NOW)).resolves.toMatchObject({
      ok: true,
      claims: { sub: 'cid-1' },
    });
  });

  it('refuses a token whose claims or signature were changed after its original was verified', async () => {
    const token = await issueSandboxToken(secret, 'cid-1', 0, TTL_S, NOW);
    const verifier = new SandboxTokenVerifier(secret);
    await expect(verifier.verify(token, 0, NOW)).resolves.toMatchObject({ ok: true });
    await expect(verifier.verify(tamper(token, 1), 0, NOW)).resolves.toEqual({
      ok: false,
      reason: expect.any(String),
    });
    await expect(verifier.verify(tamper(token, 2), 0, NOW)).resolves.toEqual({
      ok: false,
      reason: 'signature',
    });
    const otherKey = await issueSandboxToken(new Uint8Array(randomBytes(32)), 'cid-1', 0, TTL_S, NOW);
    await expect(verifier.verify(otherKey, 0, NOW)).resolves.toEqual({ ok: false, reason: 'signature' });
  });

  it('keeps an expired token expired, and forgets the oldest token when full', async () => {
    const verifier = new SandboxTokenVerifier(secret, 2);
    const tokens = await Promise.all(
      ['a', 'b', 'c'].map((sub, i) => issueSandboxToken(secret, sub, 0, TTL_S, NOW + i * 1000)),
    );
    for (const token of tokens)
      await expect(verifier.verify(token, 0, NOW + 5000)).resolves.toMatchObject({ ok: true });
    // Every one still verifies (the forgotten one through jose again), and each expires on time.
    for (const token of tokens)
      await expect(verifier.verify(token, 0, NOW + 6000)).resolves.toMatchObject({ ok: true });
    const late = NOW + (TTL_S + 10) * 1000;
    for (const token of tokens) {
      await expect(verifier.verify(token, 0, late)).resolves.toEqual({ ok: false, reason: 'expired' });
      await expect(verifier.verify(token, 0, late)).resolves.toEqual({ ok: false, reason: 'expired' });
    }
  });
});
