import { classifyHttpAnswer, classifyNetworkError } from '../../../src/ropo/classify';
import fc from 'fast-check';
import { parseCreateProfileBody, parseWithSchemas } from '../../../src/ropo/create-profile-result';
import { readJwtExpiryMs } from '../../../src/ropo/jwt-expiry';

const now = Date.parse('2026-01-01T00:00:00Z');
const err = (Code: number, Message: string) => ({ Code, Message });

describe('classifyHttpAnswer', () => {
  it.each([
    // endpoint, status, body, code, retryable, outcomeUnknown
    ['createprofile', 400, err(1001, 'customer_info.business_id is required'), 'ROPO_REJECTED', false, false],
    ['createprofile', 422, err(7, 'invalid IBAN'), 'ROPO_REJECTED', false, false],
    [
      'createprofile',
      409,
      err(1009, 'Customer with this business id already exists'),
      'ROPO_DUPLICATE',
      false,
      false,
    ],
    ['createprofile', 409, undefined, 'ROPO_DUPLICATE', false, false],
    ['createprofile', 400, err(55, 'Customer already exists'), 'ROPO_DUPLICATE', false, false],
    ['createprofile', 422, err(55, 'Business id is already registered'), 'ROPO_DUPLICATE', false, false],
    ['createprofile', 401, undefined, 'ROPO_AUTH', false, false],
    ['createprofile', 403, 'Forbidden', 'ROPO_AUTH', false, false],
    ['createprofile', 429, undefined, 'ROPO_RATE_LIMITED', true, false],
    ['createprofile', 503, undefined, 'ROPO_UNAVAILABLE', true, false],
    ['createprofile', 500, err(1, 'internal'), 'ROPO_UNAVAILABLE', true, true],
    ['createprofile', 502, '<html>bad gateway</html>', 'ROPO_UNAVAILABLE', true, true],
    ['createprofile', 504, undefined, 'ROPO_UNAVAILABLE', true, true],
    ['createprofile', 404, undefined, 'ROPO_UNEXPECTED_RESPONSE', false, false],
    ['createprofile', 404, err(404, 'Not found'), 'ROPO_REJECTED', false, false],
    ['createprofile', 302, undefined, 'ROPO_UNEXPECTED_RESPONSE', false, false],
    ['token', 400, { errorId: 2, errorText: 'Invalid credentials' }, 'ROPO_AUTH', false, false],
    ['token', 401, undefined, 'ROPO_AUTH', false, false],
    ['token', 503, undefined, 'ROPO_UNAVAILABLE', true, false],
    ['token', 429, undefined, 'ROPO_RATE_LIMITED', true, false],
  ] as const)('%s %i %j → %s', (endpoint, status, body, code, retryable, outcomeUnknown) => {
    const error = classifyHttpAnswer(endpoint, { status, body }, now);
    expect(error.code).toBe(code);
    expect(error.retryable).toBe(retryable);
    expect(error.outcomeUnknown).toBe(outcomeUnknown);
    expect(error.status).toBe(status);
  });

  it('keeps Ropo’s Error body, redacting what it echoes', () => {
    const error = classifyHttpAnswer(
      'createprofile',
      { status: 400, body: err(12, 'contact_person.email jane@example.com is invalid') },
      now,
    );
    expect(error.ropoError).toEqual({ Code: 12, Message: 'contact_person.email [redacted] is invalid' });
    expect(error.message).toContain('Error 12');
    expect(error.message).not.toContain('jane@example.com');
  });

  it('keeps Ropo’s free text out of the message (failedReason, lists): code and status only', () => {
    // A name and a national phone number are not patterns the redactor knows.
    const text = 'Henkilö Matti Meikäläinen (puh. 040 123 4567) on jo asiakkaana';
    const error = classifyHttpAnswer('createprofile', { status: 422, body: err(1042, text) }, now);
    expect(error.code).toBe('ROPO_REJECTED');
    expect(error.message).toBe(
      'Ropo One rejected the profile (POST /rest/profile/createprofile answered 422, Error 1042)',
    );
    expect(error.ropoError?.Code).toBe(1042);
    expect(error.ropoError?.Message).toContain('Matti');
  });

  it('reads Retry-After in seconds and as an HTTP date', () => {
    const seconds = classifyHttpAnswer(
      'createprofile',
      { status: 429, body: {}, headers: { 'retry-after': '3' } },
      now,
    );
    expect(seconds.retryAfterMs).toBe(3_000);
    const date = classifyHttpAnswer(
      'createprofile',
      { status: 503, body: {}, headers: { 'retry-after': new Date(now + 2_000).toUTCString() } },
      now,
    );
    expect(date.retryAfterMs).toBe(2_000);
  });

  it('never puts the token error text’s secrets in the message', () => {
    const error = classifyHttpAnswer(
      'token',
      { status: 400, body: { errorId: 3, errorText: 'bad token Bearer eyJhbGciOi.eyJzdWIiOi.sig' } },
      now,
    );
    expect(error.message).not.toContain('eyJ');
  });
});

describe('classifyNetworkError', () => {
  it.each([
    ['ECONNREFUSED', false],
    ['ENOTFOUND', false],
    ['ECONNRESET', true],
    ['ECONNABORTED', true],
    ['ETIMEDOUT', true],
    ['EPIPE', true],
    [undefined, true],
  ])('%s → ROPO_UNAVAILABLE, outcomeUnknown %s', (code, outcomeUnknown) => {
    const error = classifyNetworkError('createprofile', code);
    expect(error.code).toBe('ROPO_UNAVAILABLE');
    expect(error.retryable).toBe(true);
    expect(error.outcomeUnknown).toBe(outcomeUnknown);
  });
});

describe('parseCreateProfileBody', () => {
  it('parses NewCustomerResultRest', () => {
    expect(parseCreateProfileBody({ customerId: '123456', message: 'ok', status: 'success' })).toEqual({
      outcome: 'created',
      customerId: '123456',
      message: 'ok',
      status: 'success',
    });
  });

  it('accepts nulls and a numeric customerId', () => {
    expect(parseCreateProfileBody({ customerId: 42, message: null })).toEqual({
      outcome: 'created',
      customerId: '42',
      message: null,
      status: null,
    });
  });

  it('parses IncompleteCustomerResult', () => {
    expect(
      parseCreateProfileBody({ uuid: 'u-1', status: 'pending', message: 'm', wizard_url: 'https://x/w' }),
    ).toEqual({ outcome: 'pending', uuid: 'u-1', wizardUrl: 'https://x/w', message: 'm', status: 'pending' });
  });

  it.each([
    ['an HTML page', '<html>oops</html>'],
    ['an empty object', {}],
    ['neither shape', { status: 'success', message: 'ok' }],
    ['an array', [{ customerId: '1' }]],
    ['null', null],
    ['a wrongly typed field', { customerId: { id: 1 } }],
    ['a wrongly typed wizard url', { uuid: 'x', wizard_url: 5 }],
  ])('refuses %s with ROPO_UNEXPECTED_RESPONSE', (_label, body) => {
    expect(() => parseCreateProfileBody(body)).toThrow(
      expect.objectContaining({ code: 'ROPO_UNEXPECTED_RESPONSE' }),
    );
  });
});

describe('parseCreateProfileBody: the quick path answers as the schemas do', () => {
  const outcome = (parse: () => unknown) => {
    try {
      return { value: parse() };
    } catch (error) {
      return { error: (error as Error).message };
    }
  };
  const field = fc.oneof(
    fc.string(),
    fc.constant(null),
    fc.constant(undefined),
    fc.integer(),
    fc.boolean(),
    fc.object({ maxDepth: 1 }),
    fc.array(fc.string(), { maxLength: 2 }),
  );
  const body = fc.record(
    { customerId: field, uuid: field, wizard_url: field, message: field, status: field, extra: field },
    { requiredKeys: [] },
  );

  it('for any mix of the answer fields, of any type', () => {
    fc.assert(
      fc.property(body, fc.integer({ min: 200, max: 299 }), (answer, status) => {
        expect(outcome(() => parseCreateProfileBody(answer, status))).toEqual(
          outcome(() => parseWithSchemas(answer, status)),
        );
      }),
      { numRuns: 2_000 },
    );
  });
});

describe('readJwtExpiryMs', () => {
  const jwt = (claims: unknown) =>
    `${Buffer.from('{"alg":"HS256"}').toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.sig`;
  it('reads exp in milliseconds', () =>
    expect(readJwtExpiryMs(jwt({ exp: 1_700_000_000 }))).toBe(1_700_000_000_000));
  it.each([['opaque-token'], [jwt({ sub: 'x' })], [jwt({ exp: 'soon' })], ['a.!!!.c']])(
    '%s → undefined',
    (token) => expect(readJwtExpiryMs(token)).toBeUndefined(),
  );
});
