import { OPERATOR_TOKEN, startHttpHarness, TOKEN, type HttpHarness } from './support/http-harness';

interface ErrorBody {
  error: { code: string; message: string };
}

const CREDENTIALS_TOKEN = 'test-credentials-token-0123456789';

describe('token scopes', () => {
  let http: HttpHarness;
  beforeAll(async () => {
    http = await startHttpHarness({ env: { CREDENTIALS_TOKENS: CREDENTIALS_TOKEN } });
  });
  afterAll(async () => {
    await http.close();
  });

  const as = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });

  it.each([
    ['an intake token', TOKEN, '/v1/dead-letters'],
    ['a credentials token', CREDENTIALS_TOKEN, '/v1/dead-letters'],
    ['an operator token', OPERATOR_TOKEN, '/v1/onboardings/ob-x'],
    ['a credentials token', CREDENTIALS_TOKEN, '/v1/onboardings/ob-x'],
  ])('answers 403 FORBIDDEN to %s on %s, naming the variable it needs', async (_label, token, path) => {
    const response = await http.request(path, as(token));
    const body = (await response.json()) as ErrorBody;
    expect({ status: response.status, code: body.error.code }).toEqual({ status: 403, code: 'FORBIDDEN' });
    expect(body.error.message).toMatch(/_TOKENS/);
    expect(body.error.message).not.toContain(token);
  });

  it('lets an operator token read the dead letters and an intake token read a status', async () => {
    const deadLetters = await http.request('/v1/dead-letters', as(OPERATOR_TOKEN));
    expect(deadLetters.status).toBe(200);
    // Dead letters hold personal data: nothing along the way may cache the answer.
    expect(deadLetters.headers.get('cache-control')).toBe('no-store');
    // An unknown job is 404 once the scope is right: the gate passed.
    expect((await http.request('/v1/onboardings/ob-unknown', as(TOKEN))).status).toBe(404);
  });

  it('answers 401, not 403 or 404, to an unknown token on any /v1 path', async () => {
    for (const path of ['/v1/dead-letters', '/v1/onboardings/ob-x', '/v1/nothing-here']) {
      const response = await http.request(path, as('not-a-token'));
      expect({ path, status: response.status }).toEqual({ path, status: 401 });
    }
  });
});
