import { BrokenCircuitError } from 'cockatiel';
import { RopoAuthError } from '../../../src/errors/ropo-auth-error';
import { RopoDuplicateError } from '../../../src/errors/ropo-duplicate-error';
import { RopoRateLimitedError } from '../../../src/errors/ropo-rate-limited-error';
import { RopoRejectedError } from '../../../src/errors/ropo-rejected-error';
import { RopoUnavailableError } from '../../../src/errors/ropo-unavailable-error';
import { RopoUnexpectedResponseError } from '../../../src/errors/ropo-unexpected-response-error';
import { decide } from '../../../src/pipeline/decide';

const ropoError = { Code: 1, Message: 'bad field' };

// [name, error, attempt, maxAttempts, expected action, expected detail]
const table: [string, unknown, number, number, string, Record<string, unknown>][] = [
  [
    'open breaker holds with the breaker default',
    new BrokenCircuitError(),
    1,
    5,
    'hold',
    { reason: 'breaker_open', holdMs: undefined },
  ],
  [
    'open breaker on the last attempt still holds',
    new BrokenCircuitError(),
    5,
    5,
    'hold',
    { reason: 'breaker_open' },
  ],
  [
    '429 with Retry-After holds that long',
    new RopoRateLimitedError('429', { status: 429, retryAfterMs: 1200 }),
    1,
    5,
    'hold',
    { reason: 'rate_limited', holdMs: 1200 },
  ],
  [
    '429 without Retry-After holds the default',
    new RopoRateLimitedError('429', { status: 429 }),
    5,
    5,
    'hold',
    { reason: 'rate_limited', holdMs: undefined },
  ],
  [
    '503 with Retry-After, not processed, holds',
    new RopoUnavailableError('503', { status: 503, retryAfterMs: 700, outcomeUnknown: false }),
    1,
    5,
    'hold',
    { reason: 'unavailable', holdMs: 700 },
  ],
  [
    '503 without Retry-After retries',
    new RopoUnavailableError('503', { status: 503, outcomeUnknown: false }),
    1,
    5,
    'retry',
    {},
  ],
  [
    '502 with Retry-After but unknown outcome retries',
    new RopoUnavailableError('502', { status: 502, retryAfterMs: 700, outcomeUnknown: true }),
    1,
    5,
    'retry',
    {},
  ],
  [
    'timeout on the last attempt exhausts',
    new RopoUnavailableError('timeout', { outcomeUnknown: true }),
    5,
    5,
    'dead-letter',
    { code: 'ATTEMPTS_EXHAUSTED', lastErrorCode: 'ROPO_UNAVAILABLE' },
  ],
  ['duplicate settles as exists', new RopoDuplicateError('409', { status: 409 }), 1, 5, 'settle-exists', {}],
  [
    'duplicate on the last attempt settles too',
    new RopoDuplicateError('409', { status: 409 }),
    5,
    5,
    'settle-exists',
    {},
  ],
  [
    'refused credentials pause',
    new RopoAuthError('400 on token', { status: 400 }),
    1,
    5,
    'pause',
    { code: 'ROPO_AUTH' },
  ],
  [
    'missing contract (403) pauses',
    new RopoAuthError('403', { status: 403 }),
    5,
    5,
    'pause',
    { code: 'ROPO_AUTH' },
  ],
  [
    '404 with an Error body (wrong base URL) pauses',
    new RopoRejectedError('404', { status: 404, ropoError }),
    1,
    5,
    'pause',
    { code: 'ROPO_REJECTED', httpStatus: 404 },
  ],
  [
    '405 without a body pauses',
    new RopoUnexpectedResponseError('405', { status: 405 }),
    1,
    5,
    'pause',
    { code: 'ROPO_UNEXPECTED_RESPONSE' },
  ],
  [
    '400 rejection dead-letters at once',
    new RopoRejectedError('400', { status: 400, ropoError }),
    1,
    5,
    'dead-letter',
    { code: 'ROPO_REJECTED', httpStatus: 400, ropoError, lastErrorCode: undefined },
  ],
  [
    '422 rejection dead-letters at once',
    new RopoRejectedError('422', { status: 422 }),
    2,
    5,
    'dead-letter',
    { code: 'ROPO_REJECTED', httpStatus: 422 },
  ],
  [
    'undocumented 302 dead-letters at once',
    new RopoUnexpectedResponseError('302', { status: 302 }),
    1,
    5,
    'dead-letter',
    { code: 'ROPO_UNEXPECTED_RESPONSE' },
  ],
  ['a bug (plain Error) retries', new Error('boom'), 1, 5, 'retry', { code: 'INTERNAL_ERROR' }],
  [
    'a bug on the last attempt exhausts',
    new Error('boom'),
    3,
    3,
    'dead-letter',
    { code: 'ATTEMPTS_EXHAUSTED', lastErrorCode: 'INTERNAL_ERROR' },
  ],
  [
    'a hand-made look-alike is not trusted as a Ropo error',
    { code: 'ROPO_REJECTED', retryable: false, status: 400 },
    1,
    5,
    'retry',
    { code: 'INTERNAL_ERROR' },
  ],
  [
    'a thrown string retries',
    'oops',
    1,
    1,
    'dead-letter',
    { code: 'ATTEMPTS_EXHAUSTED', lastErrorCode: 'INTERNAL_ERROR' },
  ],
  [
    'one attempt budget: unavailable exhausts on attempt 1',
    new RopoUnavailableError('503', { status: 503 }),
    1,
    1,
    'dead-letter',
    { code: 'ATTEMPTS_EXHAUSTED' },
  ],
];

describe('decide(failure, attempt, maxAttempts)', () => {
  it.each(table)('%s', (_name, error, attempt, maxAttempts, action, detail) => {
    const decision = decide(error, attempt, maxAttempts);
    expect(decision.action).toBe(action);
    // Compare each expected detail with where it lives: the hold itself, the failure, or the dead-letter reason.
    const where: Record<string, unknown> =
      decision.action === 'hold'
        ? decision
        : decision.action === 'dead-letter'
          ? { ...decision.reason }
          : decision.action === 'settle-exists'
            ? {}
            : { ...decision.failure };
    for (const [key, value] of Object.entries(detail)) expect(where[key]).toEqual(value);
  });

  it('an exhausted reason says how many attempts failed and with what', () => {
    const decision = decide(new RopoUnavailableError('Ropo One timed out'), 4, 4);
    expect(decision).toMatchObject({
      action: 'dead-letter',
      reason: { message: '4 attempt(s) failed; the last with ROPO_UNAVAILABLE: Ropo One timed out' },
    });
  });
});
