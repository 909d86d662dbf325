import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { newCredentialKeyEntry, parseCredentialKeys } from '../../../src/contracts/credential-cipher';
import { derivedProfileUuid } from '../../../src/contracts/profile-uuid';
import { EVENT_TYPES, type OnboardingEvent } from '../../../src/contracts/events';
import { eraseCustomer } from '../../../src/queues/customer-erasure';
import { findStalledWizards, publishStalledWizards } from '../../../src/queues/customer-funnel';
import { createEventPublisher } from '../../../src/queues/event-publisher';
import { createCredentialStore } from '../../../src/queues/credential-store';
import { createProfileUuidIndex } from '../../../src/queues/profile-uuids';
import { freePort } from '../../support/free-port';
import { businessIds, completePayload, minimalPayload } from '../../support/payloads';
import { startTestPipeline, type TestPipeline } from '../../support/pipeline-harness';
import { testRedisClient } from '../../support/redis';
import { everyRedisKey } from '../../support/redis-values';
import { jsonInit, startHttpHarness, type HttpHarness } from './support/http-harness';

const ACTIVATION_KEY = 'ropo-callback-key-0123456789';
const CREDENTIALS_TOKEN = 'test-credentials-token-0123456789';
const KEY_1 = newCredentialKeyEntry('k1');
const KEY_2 = newCredentialKeyEntry('k2');

type ErrorBody = {
  error: { code: string; message: string; errors?: { path: string; code: string; message: string }[] };
};

const apicode = (): string => `APIC-${randomBytes(12).toString('hex')}`;

/** Every value of every key in Redis (names included), whatever its type, streams included. */
async function everyRedisValue(redis: Redis): Promise<string[]> {
  return (await everyRedisKey(redis)).flatMap((key) => key.values);
}

// The worker and the HTTP server must agree on the Ropo One target: the ledger is namespaced by it.
const SAME_SANDBOX = { ROPO_BASE_URL: '', ROPO_CID: '', ROPO_APICODE: '', ROPO_SANDBOX: 'true' };

describe('POST /v1/ropo/activations (real HTTP, real Redis, real worker and sandbox)', () => {
  let pipeline: TestPipeline;
  let http: HttpHarness;
  let redis: Redis;

  const activate = (
    body: unknown,
    headers: Record<string, string> = { authorization: `Bearer ${ACTIVATION_KEY}` },
  ) => fetch(`${http.url}/v1/ropo/activations`, jsonInit(body, headers));
  const credentialsOf = (businessId: string, token = CREDENTIALS_TOKEN) =>
    http.request(`/v1/customers/${businessId}/credentials`, {
      headers: { authorization: `Bearer ${token}` },
    });
  const activatedEvents = async (businessId: string) =>
    (await pipeline.events()).filter(
      (e: OnboardingEvent) => e.type === EVENT_TYPES.activated && e.subject === businessId,
    );

  beforeAll(async () => {
    const env = {
      ...SAME_SANDBOX,
      ACTIVATION_API_KEYS: `old-key,${ACTIVATION_KEY}`,
      CREDENTIALS_KEYS: KEY_1,
      CREDENTIALS_TOKENS: CREDENTIALS_TOKEN,
    };
    pipeline = await startTestPipeline({ env });
    http = await startHttpHarness({ prefix: pipeline.prefix, env });
    redis = testRedisClient();
  });

  afterAll(async () => {
    await redis?.quit();
    await http?.close();
    await pipeline?.close();
  });

  it('takes a pending and a created customer to activated, once each, with credentials read back as sent', async () => {
    const [pendingId, createdId] = businessIds(2, 4_410_000) as [string, string];
    const jobs = [
      await pipeline.producer.enqueue(minimalPayload(pendingId)),
      await pipeline.producer.enqueue(completePayload(createdId)),
    ];
    await pipeline.waitForAll(jobs.map((j) => j.jobId));
    const namespace = await createProfileUuidIndex(pipeline.connection, pipeline.prefix).namespace();
    const index = createProfileUuidIndex(pipeline.connection, pipeline.prefix);
    // The worker sent a derived profile_uuid for each and recorded it before calling Ropo.
    const externalId = derivedProfileUuid(pendingId, namespace);
    expect(await index.businessIdOf(externalId)).toBe(pendingId);

    const secrets = { [pendingId]: apicode(), [createdId]: apicode() };
    const first = await activate({
      bid: pendingId,
      'external-id': externalId,
      cid: '900001',
      apicode: secrets[pendingId],
    });
    expect(first.status).toBe(201);
    expect(await first.json()).toEqual({
      businessId: pendingId,
      status: 'stored',
      matched: true,
      matchedBy: 'external-id',
    });
    // X-API-Key, no external-id: matched on the business id.
    const second = await activate(
      { bid: createdId, cid: '900002', apicode: secrets[createdId] },
      { 'x-api-key': ACTIVATION_KEY },
    );
    expect(second.status).toBe(201);
    expect(await second.json()).toMatchObject({ matched: true, matchedBy: 'bid' });

    // A repeated delivery (basic-auth password this time) answers 200 and publishes nothing new.
    const basic = `Basic ${Buffer.from(`ropo:${ACTIVATION_KEY}`).toString('base64')}`;
    const again = await activate(
      { bid: pendingId, 'external-id': externalId, cid: '900001', apicode: secrets[pendingId] },
      { authorization: basic },
    );
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ status: 'duplicate' });
    for (const id of [pendingId, createdId]) {
      const events = await activatedEvents(id);
      expect(events).toHaveLength(1);
      expect(JSON.stringify(events)).not.toContain(secrets[id]);
      expect(events[0]?.data).toMatchObject({ businessId: id, matched: true });
    }

    for (const [id, cid] of [
      [pendingId, '900001'],
      [createdId, '900002'],
    ] as const) {
      const read = await credentialsOf(id);
      expect(read.status).toBe(200);
      expect(read.headers.get('cache-control')).toBe('no-store');
      expect(await read.json()).toMatchObject({ businessId: id, cid, apicode: secrets[id], matched: true });
    }
    const audit = await createCredentialStore(pipeline.connection, pipeline.prefix, []).audit();
    expect(
      audit
        .filter((a) => a.action === 'read')
        .map((a) => [a.who, a.businessId])
        .sort(),
    ).toEqual(
      [
        ['credentials#1', createdId],
        ['credentials#1', pendingId],
      ].sort(),
    );

    const timeline = await http.request(`/v1/customers/${pendingId}`);
    expect(timeline.status).toBe(200);
    const body = (await timeline.json()) as { state: string; steps: { step: string; at: string }[] };
    expect(body.state).toBe('activated');
    expect(body.steps.map((s) => s.step)).toEqual(['enqueued', 'pending', 'activated']);
    expect(JSON.stringify(body)).not.toContain('owner@example.com');
    const created = (await (await http.request(`/v1/customers/${createdId}`)).json()) as {
      steps: { step: string }[];
    };
    expect(created.steps.map((s) => s.step)).toEqual(['enqueued', 'created', 'activated']);

    // Not a single key of Redis holds an apicode in clear; neither does any log line.
    const values = await everyRedisValue(redis);
    for (const secret of Object.values(secrets)) {
      expect(values.filter((v) => v.includes(secret))).toEqual([]);
      expect(http.logLines.join('').includes(secret)).toBe(false);
      expect(pipeline.logText().includes(secret)).toBe(false);
    }
    const metrics = await (await http.request('/metrics', { auth: false })).text();
    expect(metrics).toMatch(/^onboarding_activations_total\{matched="true"\} 2$/m);
    expect(metrics).toMatch(/^onboarding_enqueue_to_activation_seconds_count 2$/m);
    for (const secret of Object.values(secrets)) expect(metrics).not.toContain(secret);

    // Erasure removes the credentials and the matching index; the timeline then says erased.
    const report = await eraseCustomer(pipeline.connection, pipeline.prefix, pendingId, { who: 'test' });
    expect(report.counts).toMatchObject({ credentials: 1, 'profile-uuids': 1 });
    // The reads of its credentials are erased from the audit stream too (the erasure audit counts them).
    expect(report.counts['credential-reads']).toBeGreaterThan(0);
    expect(values.some((v) => v.includes(pendingId))).toBe(true);
    expect((await everyRedisValue(redis)).filter((v) => v.includes(pendingId))).toEqual([]);
    expect((await credentialsOf(pendingId)).status).toBe(404);
    expect(await index.businessIdOf(externalId)).toBeUndefined();
    expect(
      ((await (await http.request(`/v1/customers/${pendingId}`)).json()) as { state: string }).state,
    ).toBe('erased');
  });

  it('keeps the first credential on a different cid (409, ALERT) and stores an unmatched one flagged', async () => {
    const [id, stranger] = businessIds(2, 4_420_000) as [string, string];
    const job = await pipeline.producer.enqueue(minimalPayload(id));
    await pipeline.waitForJob(job.jobId);
    const original = apicode();
    expect((await activate({ bid: id, cid: '700001', apicode: original })).status).toBe(201);
    const other = apicode();
    const conflict = await activate({ bid: id, cid: '700002', apicode: other });
    expect(conflict.status).toBe(409);
    const text = await conflict.text();
    expect(JSON.parse(text)).toMatchObject({ error: { code: 'ACTIVATION_CONFLICT' } });
    expect(text).not.toContain(other);
    expect(await (await credentialsOf(id)).json()).toMatchObject({ cid: '700001', apicode: original });
    const alert = http.logLines.find((l) => l.includes('ALERT') && l.includes('different cid'));
    expect(alert).toBeDefined();
    expect(JSON.parse(alert as string)).toMatchObject({ businessId: id, level: 'error' });
    expect(alert).not.toContain(other);
    expect(await activatedEvents(id)).toHaveLength(1);

    // The same cid with another apicode: 200 (the same activation), the first kept, and an ALERT.
    const sameCid = await activate({ bid: id, cid: '700001', apicode: other });
    expect(sameCid.status).toBe(200);
    await sameCid.text();
    expect(await (await credentialsOf(id)).json()).toMatchObject({ apicode: original });
    expect(
      http.logLines.some((l) => l.includes('ALERT') && l.includes('another apicode') && !l.includes(other)),
    ).toBe(true);

    const unmatched = await activate({ bid: stranger, cid: '700003', apicode: apicode() });
    expect(unmatched.status).toBe(201);
    expect(await unmatched.json()).toMatchObject({ matched: false });
    expect(
      http.logLines.some(
        (l) => l.includes('ALERT') && l.includes(stranger) && l.includes('UNKNOWN_CUSTOMER'),
      ),
    ).toBe(true);
    expect((await activatedEvents(stranger))[0]?.data).toMatchObject({ matched: false });
  });

  it('refuses a wrong or missing key (401), another scope (403) and a body that can never be valid (422)', async () => {
    const [id] = businessIds(1, 4_430_000) as [string];
    const secret = apicode();
    const wrong: Record<string, string>[] = [
      {},
      { authorization: 'Bearer wrong-key' },
      { 'x-api-key': 'wrong' },
      { authorization: `Bearer ${CREDENTIALS_TOKEN}` },
    ];
    for (const headers of wrong) {
      const response = await activate({ bid: id, cid: '1', apicode: secret }, headers);
      expect(response.status).toBe(401);
      await response.text();
    }
    expect(await createCredentialStore(pipeline.connection, pipeline.prefix, []).get(id)).toBeNull();

    const invalid = await activate({ bid: '', 'external-id': 'not-a-uuid', apicode: secret });
    expect(invalid.status).toBe(422);
    const text = await invalid.text();
    expect(text).not.toContain(secret);
    const paths = (JSON.parse(text) as ErrorBody).error.errors?.map((e) => e.path).sort();
    expect(paths).toEqual(['bid', 'cid', 'external-id']);

    const operator = await http.request(`/v1/customers/${id}/credentials`);
    expect(operator.status).toBe(403);
    await operator.text();
  });

  it('re-seals every credential under the first key on rotation', async () => {
    const [id] = businessIds(1, 4_440_000) as [string];
    const secret = apicode();
    expect((await activate({ bid: id, cid: '600001', apicode: secret })).status).toBe(201);
    const rotated = createCredentialStore(
      pipeline.connection,
      pipeline.prefix,
      parseCredentialKeys(`${KEY_2},${KEY_1}`),
    );
    const result = await rotated.rotate('test');
    expect(result.rotated).toBeGreaterThanOrEqual(1);
    expect((await rotated.get(id))?.apicode.kid).toBe('k2');
    expect((await rotated.reveal(id, 'test'))?.apicode).toBe(secret);
    // The old key alone no longer opens it.
    await expect(
      createCredentialStore(pipeline.connection, pipeline.prefix, parseCredentialKeys(KEY_1)).reveal(
        id,
        'test',
      ),
    ).rejects.toThrow(/k2/);
  });
});

describe('customers stuck in the wizard', () => {
  it('publishes one wizard_stalled event per pending customer not activated in time, and counts the funnel', async () => {
    const env = { ...SAME_SANDBOX, ACTIVATION_API_KEYS: ACTIVATION_KEY, CREDENTIALS_KEYS: KEY_1 };
    const pipeline = await startTestPipeline({ env });
    const http = await startHttpHarness({ prefix: pipeline.prefix, env });
    const events = createEventPublisher(pipeline.connection, pipeline.prefix);
    try {
      const [stuck, done, fresh] = businessIds(3, 4_460_000) as [string, string, string];
      const jobs = [stuck, done].map((id) => pipeline.producer.enqueue(minimalPayload(id)));
      await pipeline.waitForAll((await Promise.all(jobs)).map((j) => j.jobId));
      const activated = await fetch(
        `${http.url}/v1/ropo/activations`,
        jsonInit({ bid: done, cid: '1', apicode: apicode() }, { 'x-api-key': ACTIVATION_KEY }),
      );
      expect(activated.status).toBe(201);
      const eightDaysLater = Date.now() + 8 * 86_400_000;
      const afterMs = pipeline.config.activation.wizardStalledAfterMs;
      expect(afterMs).toBe(7 * 86_400_000);
      const scope = {
        connection: pipeline.connection,
        prefix: pipeline.prefix,
        target: pipeline.config.ropo.target,
        afterMs,
      };
      expect(await findStalledWizards(scope)).toEqual([]);
      const first = await publishStalledWizards(scope, events, eightDaysLater);
      expect(first.map((s) => s.businessId)).toEqual([stuck]);
      expect(await publishStalledWizards(scope, events, eightDaysLater + 1000)).toEqual([]);
      const stalledEvents = (await pipeline.events()).filter((e) => e.type === EVENT_TYPES.wizardStalled);
      expect(stalledEvents.map((e) => e.subject)).toEqual([stuck]);
      const timeline = (await (await http.request(`/v1/customers/${stuck}`)).json()) as {
        state: string;
        steps: { step: string }[];
      };
      expect(timeline).toMatchObject({ state: 'pending' });
      expect(timeline.steps.map((s) => s.step)).toContain('wizard_stalled');

      const created = await pipeline.producer.enqueue(completePayload(fresh));
      await pipeline.waitForJob(created.jobId);
      const metrics = await (await http.request('/metrics', { auth: false })).text();
      for (const [stage, count] of [
        ['received', 3],
        ['created', 1],
        ['pending', 2],
        ['activated', 1],
        ['dead_lettered', 0],
        ['wizard_stalled', 1],
      ] as const) {
        expect(metrics).toMatch(new RegExp(`^onboarding_customers\\{stage="${stage}"\\} ${count}$`, 'm'));
      }
    } finally {
      await events.close();
      await http.close();
      await pipeline.close();
    }
  });
});

describe('POST /v1/ropo/activations without storage', () => {
  it('answers 503 with no CREDENTIALS_KEYS and warns at start-up', async () => {
    const http = await startHttpHarness({ env: { ACTIVATION_API_KEYS: ACTIVATION_KEY } });
    try {
      expect(http.logLines.some((l) => l.includes('CREDENTIALS_KEYS is empty'))).toBe(true);
      const response = await fetch(
        `${http.url}/v1/ropo/activations`,
        jsonInit({ bid: 'x', cid: '1', apicode: 'a' }, { 'x-api-key': ACTIVATION_KEY }),
      );
      expect(response.status).toBe(503);
      expect(((await response.json()) as ErrorBody).error.code).toBe('CREDENTIALS_UNAVAILABLE');
    } finally {
      await http.close();
    }
  });

  it('answers 503 (so that Ropo retries) while Redis is down', async () => {
    const port = await freePort();
    const http = await startHttpHarness({
      redisUrl: `redis://127.0.0.1:${port}`,
      env: { ACTIVATION_API_KEYS: ACTIVATION_KEY, CREDENTIALS_KEYS: KEY_1 },
    });
    try {
      const secret = apicode();
      const response = await fetch(
        `${http.url}/v1/ropo/activations`,
        jsonInit({ bid: '4450001-0', cid: '1', apicode: secret }, { 'x-api-key': ACTIVATION_KEY }),
      );
      expect(response.status).toBe(503);
      expect(await response.text()).not.toContain(secret);
      expect(http.logLines.join('')).not.toContain(secret);
    } finally {
      await http.close();
    }
  });
});
