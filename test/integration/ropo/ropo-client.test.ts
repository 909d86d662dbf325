import net from 'node:net';
import { isRopoError, type RopoError } from '../../../src/errors/ropo-error';
import { startSandbox } from '../../../src/sandbox';
import { freePort } from '../../support/free-port';
import { testRedisClient } from '../../support/redis';
import { completePayload, minimalPayload, startRopoHarness, type RopoHarness } from '../../support/sandbox';

async function failure(promise: Promise<unknown>): Promise<RopoError> {
  try {
    await promise;
  } catch (error) {
    if (isRopoError(error)) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}

describe('Ropo One client against the sandbox (real HTTP, real Redis)', () => {
  let h: RopoHarness;

  beforeEach(async () => {
    h = await startRopoHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  it('creates a complete profile and parses NewCustomerResultRest', async () => {
    const result = await h.client().createProfile(completePayload('0000001-8'));
    expect(result).toEqual({
      outcome: 'created',
      customerId: '100001',
      message: 'Customer created successfully.',
      status: 'success',
    });
    expect(h.sandbox.creations()).toEqual([expect.objectContaining({ businessId: '0000001-8', count: 1 })]);
  });

  it('parses a pending answer with its wizard URL', async () => {
    const result = await h.client().createProfile(minimalPayload('0000002-6'));
    expect(result).toEqual({
      outcome: 'pending',
      uuid: expect.any(String),
      wizardUrl: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/wizard\//),
      message: expect.any(String),
      status: 'pending',
    });
  });

  it('classifies a duplicate business id as ROPO_DUPLICATE', async () => {
    const client = h.client();
    await client.createProfile(completePayload('0000001-8'));
    const error = await failure(client.createProfile(completePayload('0000001-8')));
    expect(error).toMatchObject({ code: 'ROPO_DUPLICATE', status: 409, retryable: false });
    expect(error.ropoError?.Message).toBe('Customer with this business id already exists');
  });

  it('classifies a payload Ropo refuses as ROPO_REJECTED with its Error body', async () => {
    const error = await failure(h.client().createProfile({ customer_info: { business_id: '0000001-8' } }));
    expect(error).toMatchObject({
      code: 'ROPO_REJECTED',
      status: 400,
      retryable: false,
      ropoError: { Code: 1002, Message: 'contact_person.email is required' },
    });
    expect(h.sandbox.stats().createProfileCalls).toBe(1);
  });

  it('refreshes once after the tokens expire mid-run and succeeds', async () => {
    const client = h.client();
    await client.createProfile(completePayload('0000001-8'));
    h.sandbox.expireTokens();
    await expect(client.createProfile(completePayload('0000002-6'))).resolves.toMatchObject({
      outcome: 'created',
    });
    const stats = h.sandbox.stats();
    expect(stats.tokenCalls).toBe(2);
    expect(stats.createProfileByStatus).toEqual({ '200': 2, '401': 1 });
  });

  it('fetches ONE token for 50 concurrent calls', async () => {
    const client = h.client();
    const ids = Array.from({ length: 50 }, (_, i) => `10${String(i).padStart(5, '0')}-0`);
    const results = await Promise.all(ids.map((id) => client.createProfile(completePayload(id))));
    expect(results.every((r) => r.outcome === 'created')).toBe(true);
    expect(h.sandbox.stats().tokenCalls).toBe(1);
  });

  it('reuses its pooled connections without setting their TCP keep-alive again on every call', async () => {
    // axios asks for 60 s on each request's socket and the agent sets its own value when the socket
    // returns to the pool: if they differ, every call pays setsockopt system calls twice over.
    const delays: unknown[] = [];
    const ropoPort = Number(new URL(h.sandbox.baseUrl).port);
    const original = net.Socket.prototype.setKeepAlive;
    net.Socket.prototype.setKeepAlive = function (this: net.Socket, enable?: boolean, delay?: number) {
      // Only the sockets to Ropo One: Redis's connection sets its own.
      if (enable && this.remotePort === ropoPort) delays.push(delay);
      return original.call(this, enable, delay);
    };
    try {
      const client = h.client();
      for (let i = 0; i < 5; i++)
        await client.createProfile(completePayload(`30${String(i).padStart(5, '0')}-0`));
      expect(delays.length).toBeGreaterThanOrEqual(10);
      expect(new Set(delays)).toEqual(new Set([60_000]));
    } finally {
      net.Socket.prototype.setKeepAlive = original;
    }
  });

  it('fetches ONE token for two "processes" (clients with their own Redis state) starting together', async () => {
    const a = h.client();
    const b = h.client();
    const calls = Array.from({ length: 40 }, (_, i) =>
      (i % 2 ? a : b).createProfile(completePayload(`20${String(i).padStart(5, '0')}-0`)),
    );
    await Promise.all(calls);
    expect(h.sandbox.stats().tokenCalls).toBe(1);
  });

  it('refreshes ONE token when 50 in-flight calls all meet 401', async () => {
    const client = h.client();
    await client.createProfile(completePayload('0000001-8'));
    h.sandbox.expireTokens();
    const ids = Array.from({ length: 50 }, (_, i) => `30${String(i).padStart(5, '0')}-0`);
    await Promise.all(ids.map((id) => client.createProfile(completePayload(id))));
    expect(h.sandbox.stats().tokenCalls).toBe(2);
  });

  it('gives up with ROPO_AUTH when a fresh token is refused too', async () => {
    h.sandbox.setFaults({ sequence: [{ status: 401 }, { status: 401 }] });
    const error = await failure(h.client().createProfile(completePayload('0000001-8')));
    expect(error).toMatchObject({ code: 'ROPO_AUTH', status: 401 });
    expect(h.sandbox.stats().tokenCalls).toBe(2);
    expect(h.sandbox.creations()).toEqual([]);
  });

  it('waits for Retry-After on 429, then succeeds', async () => {
    h.sandbox.setFaults({ sequence: [{ status: 429, retryAfter: 1 }] });
    const client = h.client({ retry: { retries: 3, baseMs: 20, maxMs: 2_000 } });
    const started = performance.now();
    await expect(client.createProfile(completePayload('0000001-8'))).resolves.toMatchObject({
      outcome: 'created',
    });
    const elapsed = performance.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(990);
    expect(elapsed).toBeLessThan(1_600);
    expect(h.sandbox.stats().createProfileByStatus).toEqual({ '200': 1, '429': 1 });
  });

  it('does not wait in-process for a Retry-After beyond the cap: ROPO_RATE_LIMITED with the wait', async () => {
    h.sandbox.setFaults({ sequence: [{ status: 429, retryAfter: 60 }] });
    const error = await failure(h.client().createProfile(completePayload('0000001-8')));
    expect(error).toMatchObject({ code: 'ROPO_RATE_LIMITED', retryable: true, retryAfterMs: 60_000 });
    expect(h.sandbox.stats().createProfileCalls).toBe(1);
  });

  it('rides out a 503 burst in-process', async () => {
    h.sandbox.setFaults({ sequence: [{ status: 503 }, { status: 503 }, { status: 503 }] });
    await expect(h.client().createProfile(completePayload('0000001-8'))).resolves.toMatchObject({
      outcome: 'created',
    });
    expect(h.sandbox.stats().createProfileByStatus).toEqual({ '200': 1, '503': 3 });
  });

  it('surfaces ROPO_UNAVAILABLE (outcome known) once the 503s outlast the retries', async () => {
    h.sandbox.setFaults({ errorRates: { '503': 1 } });
    const error = await failure(h.client().createProfile(completePayload('0000001-8')));
    expect(error).toMatchObject({ code: 'ROPO_UNAVAILABLE', status: 503, outcomeUnknown: false });
    expect(h.sandbox.stats().createProfileCalls).toBe(4);
  });

  it('answers 503 during an outage window and recovers after it', async () => {
    const client = h.client({ retry: { retries: 3, baseMs: 20, maxMs: 2_000 } });
    await client.createProfile(completePayload('0000001-8'));
    h.sandbox.setFaults({ outage: { forMs: 300 } });
    const started = performance.now();
    await expect(client.createProfile(completePayload('0000002-6'))).resolves.toMatchObject({
      outcome: 'created',
    });
    // The outage answers Retry-After: 1 (whole seconds), which the client honours.
    expect(performance.now() - started).toBeGreaterThanOrEqual(990);
    expect(h.sandbox.stats().createProfileByStatus).toEqual({ '200': 2, '503': 1 });
  });

  it.each([
    ['a 500', { errorRates: { '500': 1 } }, 500],
    ['a 502', { errorRates: { '502': 1 } }, 502],
    ['a 504', { errorRates: { '504': 1 } }, 504],
    ['a connection reset', { reset: 1 }, undefined],
  ])('never repeats %s in-process: ROPO_UNAVAILABLE, outcome unknown', async (_label, faults, status) => {
    h.sandbox.setFaults(faults);
    const error = await failure(h.client().createProfile(completePayload('0000001-8')));
    expect(error).toMatchObject({ code: 'ROPO_UNAVAILABLE', retryable: true, outcomeUnknown: true, status });
    expect(h.sandbox.stats().createProfileCalls).toBe(1);
  });

  it('times out a hung call without repeating it: ROPO_UNAVAILABLE, outcome unknown', async () => {
    h.sandbox.setFaults({ sequence: [{ action: 'hang' }] });
    const started = performance.now();
    const error = await failure(h.client({ timeoutMs: 300 }).createProfile(completePayload('0000001-8')));
    expect(performance.now() - started).toBeLessThan(1_500);
    expect(error).toMatchObject({ code: 'ROPO_UNAVAILABLE', outcomeUnknown: true });
    expect(h.sandbox.stats().createProfileCalls).toBe(1);
  });

  it('meets ROPO_DUPLICATE on the retry after a commit whose answer was dropped', async () => {
    const client = h.client();
    h.sandbox.setFaults({ sequence: [{ action: 'commit-then-drop' }] });
    const first = await failure(client.createProfile(completePayload('0000001-8')));
    expect(first).toMatchObject({ code: 'ROPO_UNAVAILABLE', outcomeUnknown: true });
    const second = await failure(client.createProfile(completePayload('0000001-8')));
    expect(second).toMatchObject({ code: 'ROPO_DUPLICATE' });
    expect(h.sandbox.creations()).toEqual([expect.objectContaining({ businessId: '0000001-8', count: 1 })]);
  });

  it('turns a garbage 200 body into ROPO_UNEXPECTED_RESPONSE', async () => {
    h.sandbox.setFaults({ garbageBody: 1 });
    const error = await failure(h.client().createProfile(completePayload('0000001-8')));
    expect(error).toMatchObject({ code: 'ROPO_UNEXPECTED_RESPONSE', status: 200, retryable: false });
  });

  it('repeats a failed token call, which has no side effect', async () => {
    h.sandbox.setFaults({ token: { sequence: [{ status: 503 }, { action: 'reset' }] } });
    await expect(h.client().createProfile(completePayload('0000001-8'))).resolves.toMatchObject({
      outcome: 'created',
    });
    expect(h.sandbox.stats().tokenCalls).toBe(3);
  });

  it('reports each createprofile attempt to onCall', async () => {
    const calls: { status: number | 'error'; durationMs: number }[] = [];
    h.sandbox.setFaults({ sequence: [{ status: 503 }] });
    await h.client({ onCall: (info) => calls.push(info) }).createProfile(completePayload('0000001-8'));
    expect(calls.map((c) => c.status)).toEqual([503, 200]);
    expect(calls.every((c) => c.durationMs >= 0)).toBe(true);
  });

  it('makes every createprofile attempt wait for beforeAttempt: retries and the repeat after a 401', async () => {
    // 503 and 429 are repeated in-process, 401 once with a fresh token: four attempts in all.
    h.sandbox.setFaults({ sequence: [{ status: 503 }, { status: 401 }, { status: 503 }] });
    const client = h.client();
    let released = 0;
    const attemptsSeen: number[] = [];
    const result = await client.createProfile(completePayload('0000001-8'), {
      beforeAttempt: async () => {
        // What the sandbox has received so far must be the attempts already let through.
        attemptsSeen.push(h.sandbox.stats().createProfileCalls);
        await new Promise((resolve) => setTimeout(resolve, 20));
        released += 1;
      },
    });
    expect(result.outcome).toBe('created');
    expect(released).toBe(4);
    expect(attemptsSeen).toEqual([0, 1, 2, 3]);
    expect(h.sandbox.stats().createProfileByStatus).toEqual({ '200': 1, '401': 1, '503': 2 });
  });

  it("passes a beforeAttempt failure through as it is, not as Ropo One's: nothing was sent", async () => {
    const client = h.client();
    const redisDown = new Error('Connection is closed.');
    let calls = 0;
    const outcome = client
      .createProfile(completePayload('0000001-8'), {
        beforeAttempt: async () => {
          calls += 1;
          throw redisDown;
        },
      })
      .then(
        () => 'resolved',
        (error: unknown) => error,
      );
    expect(await outcome).toBe(redisDown);
    expect(calls).toBe(1);
    expect(h.sandbox.stats().createProfileCalls).toBe(0);
  });

  it('refreshes the token ahead of expiry in the background', async () => {
    await h.close();
    h = await startRopoHarness({ tokenTtlSeconds: 5 });
    const client = h.client();
    await client.createProfile(completePayload('0000001-8'));
    // Usable until 4 s (a fifth of the life is the safety margin), refreshed from 3.2 s.
    await new Promise((resolve) => setTimeout(resolve, 3_400));
    await client.createProfile(completePayload('0000002-6'));
    await new Promise((resolve) => setTimeout(resolve, 100));
    const stats = h.sandbox.stats();
    expect(stats.tokenCalls).toBe(2);
    expect(stats.createProfileByStatus).toEqual({ '200': 2 });
  });
});

describe('Ropo One client: credentials and contract', () => {
  it('classifies wrong credentials (400 on /token) as ROPO_AUTH', async () => {
    const h = await startRopoHarness();
    try {
      const error = await failure(h.client({ apicode: 'wrong' }).createProfile(completePayload('0000001-8')));
      expect(error).toMatchObject({ code: 'ROPO_AUTH', status: 400, retryable: false });
      expect(h.sandbox.stats().tokenCalls).toBe(1);
      expect(h.sandbox.stats().createProfileCalls).toBe(0);
    } finally {
      await h.close();
    }
  });

  it('classifies a missing create_customer_api contract (403) as ROPO_AUTH', async () => {
    const h = await startRopoHarness({ contracts: [] });
    try {
      const error = await failure(h.client().createProfile(completePayload('0000001-8')));
      expect(error).toMatchObject({ code: 'ROPO_AUTH', status: 403 });
      expect(error.message).toContain('create_customer_api');
    } finally {
      await h.close();
    }
  });

  it('classifies a refused connection as ROPO_UNAVAILABLE with a known outcome', async () => {
    const h = await startRopoHarness();
    try {
      const port = await freePort();
      const client = h.client({
        baseUrl: `http://127.0.0.1:${port}/rest`,
        retry: { retries: 2, baseMs: 10 },
      });
      const error = await failure(client.createProfile(completePayload('0000001-8')));
      expect(error).toMatchObject({ code: 'ROPO_UNAVAILABLE', outcomeUnknown: false });
    } finally {
      await h.close();
    }
  });

  it('repeats a createprofile whose connection was refused, then succeeds on the restarted server', async () => {
    const h = await startRopoHarness();
    let second: Awaited<ReturnType<typeof startSandbox>> | undefined;
    let restarted: Promise<void> = Promise.resolve();
    try {
      const client = h.client({ retry: { retries: 5, baseMs: 100, maxMs: 400 } });
      await client.createProfile(completePayload('0000001-8'));
      const port = Number(new URL(h.sandbox.url).port);
      await h.sandbox.close();
      // Let the client see its pooled keep-alive socket close (reusing it would be a reset: outcome unknown).
      await new Promise((resolve) => setTimeout(resolve, 50));
      restarted = new Promise<void>((resolve, reject) => {
        setTimeout(() => {
          startSandbox({ port }).then((s) => {
            second = s;
            resolve();
          }, reject);
        }, 150);
      });
      // The restarted sandbox has a new signing key: the refused call is repeated, meets 401, refreshes, succeeds.
      await expect(client.createProfile(completePayload('0000002-6'))).resolves.toMatchObject({
        outcome: 'created',
      });
      expect(second?.stats().tokenCalls).toBe(1);
      expect(second?.creations().map((c) => c.businessId)).toEqual(['0000002-6']);
    } finally {
      await restarted.catch(() => undefined);
      await second?.close();
      await h.close();
    }
  });
});

describe('Ropo One client: token cache when Redis fails', () => {
  it('falls back to a process-local token and keeps onboarding', async () => {
    const h = await startRopoHarness();
    // A connection that is closed fails every command at once, as a Redis outage would.
    const broken = testRedisClient();
    await broken.quit();
    try {
      const client = h.client({ redis: broken });
      const results = await Promise.all(
        ['0000001-8', '0000002-6', '0000003-4'].map((id) => client.createProfile(completePayload(id))),
      );
      expect(results.map((r) => r.outcome)).toEqual(['created', 'created', 'created']);
      expect(h.sandbox.stats().tokenCalls).toBe(1);
      expect(h.logLines.join('')).toContain('process-local token');
    } finally {
      await h.close();
    }
  });
});
