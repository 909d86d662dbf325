import { RopoAuthError } from '../../../src/errors/ropo-auth-error';
import { RopoDuplicateError } from '../../../src/errors/ropo-duplicate-error';
import { RopoRateLimitedError } from '../../../src/errors/ropo-rate-limited-error';
import { RopoRejectedError } from '../../../src/errors/ropo-rejected-error';
import { RopoUnavailableError } from '../../../src/errors/ropo-unavailable-error';
import { RopoUnexpectedResponseError } from '../../../src/errors/ropo-unexpected-response-error';
import { decideRetry, parseRetryAfter, type RetryPolicyOptions } from '../../../src/ropo/retry-policy';

const low = () => 0;
const high = () => 0.999999;
const policy = (overrides: Partial<RetryPolicyOptions> = {}): RetryPolicyOptions => ({
  baseMs: 100,
  maxMs: 1_000,
  random: low,
  ...overrides,
});

const refused = new RopoUnavailableError('refused', { outcomeUnknown: false });
const timedOut = new RopoUnavailableError('timeout', { outcomeUnknown: true });
const unavailable503 = new RopoUnavailableError('503', { status: 503 });
const rateLimited = (retryAfterMs?: number) => new RopoRateLimitedError('429', { status: 429, retryAfterMs });

describe('decideRetry', () => {
  it.each([
    ['refused connection', refused, true],
    ['503', unavailable503, true],
    ['429 without Retry-After', rateLimited(), true],
    ['timeout (unknown outcome)', timedOut, false],
    ['500 (unknown outcome)', new RopoUnavailableError('500', { status: 500, outcomeUnknown: true }), false],
    ['rejection', new RopoRejectedError('400', { status: 400 }), false],
    ['duplicate', new RopoDuplicateError('409', { status: 409 }), false],
    ['auth', new RopoAuthError('403', { status: 403 }), false],
    ['unexpected response', new RopoUnexpectedResponseError('garbage', { status: 200 }), false],
    ['a plain Error', new Error('boom'), false],
    ['a non-error', 'boom', false],
    ['null', null, false],
  ])('in-process, %s → retry %s', (_label, error, retry) => {
    expect(decideRetry(error, 1, policy()).retry).toBe(retry);
  });

  it('lets the queue repeat unknown-outcome failures when asked to', () => {
    expect(decideRetry(timedOut, 1, policy({ retryUnknownOutcome: true }))).toEqual({
      retry: true,
      delayMs: 50,
    });
  });

  it.each([
    // attempt, lowest delay (random 0), highest delay (random → 1)
    [1, 50, 100],
    [2, 100, 200],
    [3, 200, 400],
    [4, 400, 800],
    [5, 500, 1_000],
    [12, 500, 1_000],
  ])('attempt %i waits between %i and %i ms (equal jitter, capped at maxMs)', (attempt, lowest, highest) => {
    expect(decideRetry(refused, attempt, policy({ random: low }))).toEqual({ retry: true, delayMs: lowest });
    expect(decideRetry(refused, attempt, policy({ random: high }))).toEqual({
      retry: true,
      delayMs: highest,
    });
  });

  it('keeps every jittered delay within its bounds', () => {
    for (let attempt = 1; attempt <= 8; attempt += 1) {
      const exponential = Math.min(1_000, 100 * 2 ** (attempt - 1));
      for (let i = 0; i < 200; i += 1) {
        const decision = decideRetry(refused, attempt, policy({ random: Math.random }));
        if (!decision.retry) throw new Error('expected a retry');
        expect(decision.delayMs).toBeGreaterThanOrEqual(exponential / 2);
        expect(decision.delayMs).toBeLessThanOrEqual(exponential);
      }
    }
  });

  it('stops when the attempts are used up', () => {
    expect(decideRetry(refused, 2, policy({ maxAttempts: 3 })).retry).toBe(true);
    expect(decideRetry(refused, 3, policy({ maxAttempts: 3 }))).toEqual({ retry: false });
  });

  it('waits at least Retry-After, plus at most a tenth of it', () => {
    expect(decideRetry(rateLimited(700), 1, policy({ random: low }))).toEqual({ retry: true, delayMs: 700 });
    expect(decideRetry(rateLimited(700), 1, policy({ random: high }))).toEqual({ retry: true, delayMs: 770 });
  });

  it('uses the exponential delay when it is longer than Retry-After', () => {
    expect(decideRetry(rateLimited(10), 4, policy({ random: low }))).toEqual({ retry: true, delayMs: 400 });
  });

  it('stops rather than wait a Retry-After beyond the cap', () => {
    expect(decideRetry(rateLimited(1_001), 1, policy())).toEqual({ retry: false });
    expect(decideRetry(rateLimited(5_000), 1, policy({ retryAfterCapMs: 10_000 }))).toEqual({
      retry: true,
      delayMs: 5_000,
    });
  });

  it('works from a duck-typed error, as BullMQ hands back what was thrown', () => {
    const fromJson = { retryable: true, outcomeUnknown: false, retryAfterMs: 300 };
    expect(decideRetry(fromJson, 1, policy())).toEqual({ retry: true, delayMs: 300 });
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  it.each([
    ['2', 2_000],
    ['0', 0],
    ['1.5', 1_500],
    [' 3 ', 3_000],
    [['4'], 4_000],
    ['Thu, 01 Jan 2026 00:00:05 GMT', 5_000],
    ['Wed, 31 Dec 2025 23:59:00 GMT', 0],
    ['soon', undefined],
    ['', undefined],
    [undefined, undefined],
    ['-1', undefined],
  ])('%j → %j ms', (header, expected) => {
    expect(parseRetryAfter(header, now)).toBe(expected);
  });
});
