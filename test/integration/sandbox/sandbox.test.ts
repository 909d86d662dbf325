import { readFileSync } from 'node:fs';
import http from 'node:http';
import { networkInterfaces } from 'node:os';
import path from 'node:path';
import { SANDBOX_APICODE, SANDBOX_CID, startSandbox, type Sandbox } from '../../../src/sandbox';
import { completePayload, minimalPayload } from '../../support/sandbox';

async function call(
  sandbox: Sandbox,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: unknown; headers: Headers }> {
  const response = await fetch(`${sandbox.url}${path}`, {
    method,
    headers: { 'Content-Type': 'application/json', Connection: 'close', ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: response.status, body: parsed, headers: response.headers };
}

async function token(sandbox: Sandbox): Promise<string> {
  const answer = await call(sandbox, 'POST', '/rest/token', { cid: SANDBOX_CID, apicode: SANDBOX_APICODE });
  return (answer.body as { token: string }).token;
}

const bearer = (t: string) => ({ Authorization: `Bearer ${t}` });

describe('sandbox: the documented endpoints', () => {
  let sandbox: Sandbox;
  beforeEach(async () => {
    sandbox = await startSandbox({ port: 0, tokenTtlSeconds: 120 });
  });
  afterEach(async () => {
    await sandbox.close();
  });

  it('issues an HS256 JWT with exp on good credentials, 400 {errorId, errorText} otherwise', async () => {
    const ok = await call(sandbox, 'POST', '/rest/token', { cid: SANDBOX_CID, apicode: SANDBOX_APICODE });
    expect(ok.status).toBe(201);
    const jwt = (ok.body as { token: string }).token;
    const [header, claims] = jwt
      .split('.')
      .slice(0, 2)
      .map((part) => JSON.parse(Buffer.from(part, 'base64url').toString()));
    expect(header).toEqual({ alg: 'HS256', typ: 'JWT' });
    expect(claims.exp - claims.iat).toBe(120);

    const bad = await call(sandbox, 'POST', '/rest/token', { cid: SANDBOX_CID, apicode: 'nope' });
    expect(bad.status).toBe(400);
    expect(bad.body).toEqual({ errorId: expect.any(Number), errorText: expect.any(String) });
    expect((await call(sandbox, 'POST', '/rest/token', 'not json')).status).toBe(400);
  });

  it('answers 401 without a token, with a forged one and after expire-tokens', async () => {
    const t = await token(sandbox);
    expect((await call(sandbox, 'POST', '/rest/profile/createprofile', minimalPayload('1'))).status).toBe(
      401,
    );
    const forged = `${t.slice(0, -3)}abc`;
    expect(
      (await call(sandbox, 'POST', '/rest/profile/createprofile', minimalPayload('1'), bearer(forged)))
        .status,
    ).toBe(401);
    expect((await call(sandbox, 'POST', '/__sandbox/expire-tokens')).status).toBe(200);
    const expired = await call(
      sandbox,
      'POST',
      '/rest/profile/createprofile',
      minimalPayload('1'),
      bearer(t),
    );
    expect(expired).toMatchObject({ status: 401, body: { Code: 401, Message: 'Token revoked' } });
  });

  it('creates with sequential customer ids, goes pending on partial data, and answers 409 to a duplicate', async () => {
    const t = await token(sandbox);
    const post = (body: unknown) => call(sandbox, 'POST', '/rest/profile/createprofile', body, bearer(t));
    expect((await post(completePayload('0000001-8'))).body).toMatchObject({
      customerId: '100001',
      status: 'success',
    });
    expect((await post(completePayload('0000002-6'))).body).toMatchObject({ customerId: '100002' });
    const { users: _users, ...partialBody } = completePayload('0000003-4');
    const partial = await post(partialBody);
    expect(partial).toMatchObject({
      status: 200,
      body: { status: 'pending', wizard_url: expect.any(String) },
    });
    expect((await post(minimalPayload('0000004-2'))).body).toMatchObject({ uuid: expect.any(String) });
    expect(await post(completePayload('0000001-8'))).toMatchObject({
      status: 409,
      body: { Code: expect.any(Number), Message: 'Customer with this business id already exists' },
    });
    const creations = await call(sandbox, 'GET', '/__sandbox/creations');
    expect(creations.body).toMatchObject({ total: 4 });
    expect(sandbox.creations().find((c) => c.businessId === '0000001-8')).toMatchObject({
      count: 1,
      duplicates: 1,
    });
  });

  it("creates Ropo's own documented example (every section, allowIncompleteData: true) without the wizard", async () => {
    const t = await token(sandbox);
    const body = JSON.parse(
      readFileSync(path.join(__dirname, '..', '..', 'fixtures', 'ropo-documented-example.json'), 'utf8'),
    );
    expect(body.allowIncompleteData).toBe(true);
    const answer = await call(sandbox, 'POST', '/rest/profile/createprofile', body, bearer(t));
    expect(answer).toMatchObject({ status: 200, body: { customerId: '100001', status: 'success' } });
    expect(sandbox.creations()).toEqual([
      expect.objectContaining({ businessId: '1234567-8', outcome: 'created', uuid: null }),
    ]);
  });

  it('answers 400 Error {Code, Message} without business_id or email', async () => {
    const t = await token(sandbox);
    const post = (body: unknown) => call(sandbox, 'POST', '/rest/profile/createprofile', body, bearer(t));
    expect(await post({ contact_person: { email: 'a@b.fi' } })).toMatchObject({
      status: 400,
      body: { Code: 1001, Message: 'customer_info.business_id is required' },
    });
    expect(await post({ customer_info: { business_id: '1' } })).toMatchObject({
      status: 400,
      body: { Code: 1002 },
    });
    expect(await post('{oops')).toMatchObject({ status: 400, body: { Code: 1000 } });
  });

  it('answers 403 when the contract lacks create_customer_api', async () => {
    const t = await token(sandbox);
    await call(sandbox, 'POST', '/__sandbox/contracts', { contracts: [] });
    expect(
      (await call(sandbox, 'POST', '/rest/profile/createprofile', minimalPayload('1'), bearer(t))).status,
    ).toBe(403);
  });

  it('counts calls by status, and forgets everything on reset', async () => {
    const t = await token(sandbox);
    await call(sandbox, 'POST', '/rest/profile/createprofile', minimalPayload('1'), bearer(t));
    await call(sandbox, 'POST', '/rest/profile/createprofile', minimalPayload('1'), bearer(t));
    expect((await call(sandbox, 'GET', '/__sandbox/stats')).body).toMatchObject({
      tokenCalls: 1,
      tokenByStatus: { '201': 1 },
      createProfileCalls: 2,
      createProfileByStatus: { '200': 1, '409': 1 },
    });
    await call(sandbox, 'POST', '/__sandbox/reset');
    expect(sandbox.stats().createProfileCalls).toBe(0);
    expect(sandbox.creations()).toEqual([]);
  });
});

describe('sandbox: fault injection', () => {
  let sandbox: Sandbox;
  let t: string;
  const post = (body: unknown = minimalPayload(String(Math.random()))) =>
    call(sandbox, 'POST', '/rest/profile/createprofile', body, bearer(t));

  beforeEach(async () => {
    sandbox = await startSandbox({ port: 0 });
    t = await token(sandbox);
  });
  afterEach(async () => {
    await sandbox.close();
  });

  it('sets, shows and resets faults over HTTP, refusing unknown keys', async () => {
    const set = await call(sandbox, 'POST', '/__sandbox/faults', { errorRates: { '503': 1 }, retryAfter: 2 });
    expect(set.status).toBe(200);
    expect((await call(sandbox, 'GET', '/__sandbox/faults')).body).toEqual({
      errorRates: { '503': 1 },
      retryAfter: 2,
    });
    const injected = await post();
    expect(injected.status).toBe(503);
    expect(injected.headers.get('retry-after')).toBe('2');
    expect((await call(sandbox, 'DELETE', '/__sandbox/faults')).body).toEqual({});
    expect((await post()).status).toBe(200);
    const typo = await call(sandbox, 'POST', '/__sandbox/faults', { errorRate: { '503': 1 } });
    expect(typo.status).toBe(400);
    expect((await call(sandbox, 'POST', '/__sandbox/faults', { errorRates: { '503': 2 } })).status).toBe(400);
  });

  it('draws error rates roughly as asked (seeded)', async () => {
    sandbox.setFaults({ errorRates: { '503': 0.3 }, seed: 42 });
    const statuses = [];
    for (let i = 0; i < 100; i += 1) statuses.push((await post()).status);
    const failed = statuses.filter((s) => s === 503).length;
    expect(failed).toBeGreaterThan(15);
    expect(failed).toBeLessThan(45);
  });

  it('adds fixed and uniformly distributed latency', async () => {
    sandbox.setFaults({ latency: 120 });
    let started = performance.now();
    await post();
    expect(performance.now() - started).toBeGreaterThanOrEqual(115);
    sandbox.setFaults({ latency: { min: 50, max: 80 } });
    started = performance.now();
    await post();
    const elapsed = performance.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(45);
    expect(elapsed).toBeLessThan(400);
  });

  it('resets the connection before answering, or commits and then drops it', async () => {
    sandbox.setFaults({ sequence: [{ action: 'reset' }, { action: 'commit-then-drop' }] });
    await expect(post(completePayload('0000001-8'))).rejects.toThrow();
    expect(sandbox.creations()).toEqual([]);
    await expect(post(completePayload('0000001-8'))).rejects.toThrow();
    expect(sandbox.creations()).toEqual([expect.objectContaining({ businessId: '0000001-8', count: 1 })]);
    expect((await post(completePayload('0000001-8'))).status).toBe(409);
    expect(sandbox.stats().createProfileByStatus).toEqual({ reset: 1, drop: 1, '409': 1 });
  });

  it('creates twice when told to accept duplicates, so "exactly once" is observable', async () => {
    sandbox.setFaults({ duplicates: 'accept' });
    await post(completePayload('0000001-8'));
    await post(completePayload('0000001-8'));
    expect(sandbox.creations()).toEqual([expect.objectContaining({ count: 2 })]);
  });

  it('answers a garbage 200 body', async () => {
    sandbox.setFaults({ garbageBody: 1 });
    const answer = await post();
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual(expect.stringContaining('<html>'));
  });

  it('answers 503 with Retry-After during an outage, token endpoint included', async () => {
    sandbox.setFaults({ outage: { forMs: 2_500 } });
    const answer = await post();
    expect(answer.status).toBe(503);
    expect(answer.headers.get('retry-after')).toBe('3');
    expect(
      (await call(sandbox, 'POST', '/rest/token', { cid: SANDBOX_CID, apicode: SANDBOX_APICODE })).status,
    ).toBe(503);
    expect((await call(sandbox, 'GET', '/__sandbox/faults')).body).toMatchObject({
      outage: { forMs: 2_500, remainingMs: expect.any(Number) },
    });
  });

  it('injects faults on the token endpoint only when asked', async () => {
    sandbox.setFaults({ token: { errorRates: { '500': 1 } } });
    expect((await post()).status).toBe(200);
    expect(
      (await call(sandbox, 'POST', '/rest/token', { cid: SANDBOX_CID, apicode: SANDBOX_APICODE })).status,
    ).toBe(500);
  });

  it('expires tokens early through the admin API', async () => {
    await call(sandbox, 'POST', '/__sandbox/expire-tokens');
    expect((await post()).status).toBe(401);
  });

  it('closes even while a request hangs', async () => {
    sandbox.setFaults({ hang: 1 });
    const hung = new Promise<string>((resolve) => {
      const request = http.request(
        `${sandbox.baseUrl}/profile/createprofile`,
        { method: 'POST', headers: { ...bearer(t), 'Content-Type': 'application/json' } },
        () => resolve('answered'),
      );
      request.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
      request.end(JSON.stringify(minimalPayload('1')));
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(sandbox.stats().createProfileByStatus).toEqual({ hang: 1 });
    const started = performance.now();
    await sandbox.close();
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(await hung).toBe('ECONNRESET');
  });
});

describe('sandbox: the admin API answers loopback clients only', () => {
  // A non-loopback address of this machine: a request to it arrives from it, not from 127.0.0.1.
  const external = Object.values(networkInterfaces())
    .flat()
    .find((nic) => nic && nic.family === 'IPv4' && !nic.internal)?.address;
  const maybe = external ? it : it.skip;

  maybe('refuses /__sandbox/* from another address with 403, while /rest stays open', async () => {
    const sandbox = await startSandbox({ port: 0, host: '0.0.0.0' });
    try {
      const port = new URL(sandbox.url).port;
      const fromOutside = `http://${external}:${port}`;
      const get = async (base: string, route: string) =>
        (await fetch(`${base}${route}`, { headers: { Connection: 'close' } })).status;
      expect(await get(fromOutside, '/__sandbox/stats')).toBe(403);
      expect(await get(fromOutside, '/__sandbox/creations')).toBe(403);
      const reset = await fetch(`${fromOutside}/__sandbox/faults`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Connection: 'close' },
        body: JSON.stringify({ errorRates: { '503': 1 } }),
      });
      expect(reset.status).toBe(403);
      expect(sandbox.stats().createProfileCalls).toBe(0);
      const tokenFromOutside = await fetch(`${fromOutside}/rest/token`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Connection: 'close' },
        body: JSON.stringify({ cid: SANDBOX_CID, apicode: SANDBOX_APICODE }),
      });
      expect(tokenFromOutside.status).toBe(201); // no fault was set from outside
      expect(await get(`http://127.0.0.1:${port}`, '/__sandbox/stats')).toBe(200);
    } finally {
      await sandbox.close();
    }
  });
});
