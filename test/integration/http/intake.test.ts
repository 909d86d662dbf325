import { Queue } from 'bullmq';
import { onboardingJobId } from '../../../src/contracts/onboarding-job';
import { QUEUE_NAMES } from '../../../src/queues/queue-names';
import { businessIds, minimalPayload } from '../../support/payloads';
import { jsonInit, startHttpHarness, TOKEN, type HttpHarness } from './support/http-harness';
import {
  brokenPersonalPayload,
  expectNoPersonalData,
  PERSONAL,
  personalPayload,
} from './support/personal-data';

type ErrorBody = {
  error: { code: string; message: string; requestId: string; errors?: { path: string; code: string }[] };
};

describe('HTTP intake: POST /v1/onboardings and /v1/onboardings/batch', () => {
  let http: HttpHarness;
  let onboarding: Queue;
  const ids = businessIds(40, 3_100_000);
  const bodies: string[] = [];

  // Every answer body is kept so that the last test can search all of them for personal data.
  async function call(
    path: string,
    init?: RequestInit & { auth?: boolean },
  ): Promise<{ status: number; body: unknown; headers: Headers }> {
    const response = await http.request(path, init);
    const text = await response.text();
    bodies.push(text);
    return { status: response.status, body: text ? JSON.parse(text) : undefined, headers: response.headers };
  }

  beforeAll(async () => {
    http = await startHttpHarness({ env: { INTAKE_MAX_BODY_BYTES: '4096' } });
    onboarding = new Queue(QUEUE_NAMES.onboarding, { connection: http.connection, prefix: http.prefix });
  });

  afterAll(async () => {
    await onboarding.obliterate({ force: true }).catch(() => undefined);
    await onboarding.close();
    await http.close();
  });

  it('accepts a valid payload with 202, a job id and a status URL, and stores the job', async () => {
    const payload = personalPayload(ids[0] as string);
    const { status, body, headers } = await call('/v1/onboardings', jsonInit(payload));
    expect(status).toBe(202);
    const jobId = onboardingJobId(payload);
    expect(body).toEqual({ jobId, duplicate: false, statusUrl: `/v1/onboardings/${jobId}` });
    expect(headers.get('location')).toBe(`/v1/onboardings/${jobId}`);
    expect(headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const job = await onboarding.getJob(jobId);
    expect(job?.data).toMatchObject({ payload, source: 'http' });
  });

  it('answers a duplicate with 200 and duplicate: true, storing nothing new', async () => {
    const payload = personalPayload(ids[0] as string);
    const { status, body } = await call('/v1/onboardings', jsonInit(payload));
    expect(status).toBe(200);
    expect(body).toMatchObject({ jobId: onboardingJobId(payload), duplicate: true });
    expect(await onboarding.getJobCountByTypes('waiting', 'delayed', 'active')).toBe(1);
  });

  it('uses the Idempotency-Key header as the event id, and the envelope form with eventId and source', async () => {
    const first = await call(
      '/v1/onboardings',
      jsonInit(minimalPayload(ids[1] as string), { 'idempotency-key': 'crm-signup-4711' }),
    );
    expect(first).toMatchObject({ status: 202, body: { jobId: 'evt-crm-signup-4711' } });
    const again = await call(
      '/v1/onboardings',
      jsonInit({ payload: minimalPayload(ids[1] as string), eventId: 'crm-signup-4711', source: 'crm' }),
    );
    expect(again).toMatchObject({ status: 200, body: { jobId: 'evt-crm-signup-4711', duplicate: true } });
    const enveloped = await call(
      '/v1/onboardings',
      jsonInit({ payload: minimalPayload(ids[2] as string), eventId: 'erp-1', source: 'erp' }),
    );
    expect(enveloped).toMatchObject({ status: 202, body: { jobId: 'evt-erp-1' } });
    expect((await onboarding.getJob('evt-erp-1'))?.data).toMatchObject({ eventId: 'erp-1', source: 'erp' });
  });

  it('refuses an Idempotency-Key that contradicts the envelope eventId (422), or is not sane (400)', async () => {
    const conflict = await call(
      '/v1/onboardings',
      jsonInit({ payload: minimalPayload(ids[3] as string), eventId: 'a-1' }, { 'idempotency-key': 'b-2' }),
    );
    expect(conflict.status).toBe(422);
    expect((conflict.body as ErrorBody).error.errors?.[0]?.path).toBe('eventId');
    const insane = await call(
      '/v1/onboardings',
      jsonInit(minimalPayload(ids[3] as string), { 'idempotency-key': 'has space' }),
    );
    expect(insane.status).toBe(400);
    expect((insane.body as ErrorBody).error.code).toBe('BAD_REQUEST');
  });

  it.each([
    ['no Authorization header', {}],
    ['a wrong token', { authorization: 'Bearer not-the-token' }],
    ['a token prefix', { authorization: `Bearer ${TOKEN.slice(0, -1)}` }],
    ['basic instead of bearer', { authorization: `Basic ${Buffer.from(`x:${TOKEN}`).toString('base64')}` }],
  ])('answers 401 UNAUTHORIZED to %s, before reading the body', async (_label, headers) => {
    const {
      status,
      body,
      headers: answer,
    } = await call('/v1/onboardings', {
      ...jsonInit('{"not": json'),
      headers: { 'content-type': 'application/json', ...headers },
      auth: false,
    });
    expect(status).toBe(401);
    expect((body as ErrorBody).error.code).toBe('UNAUTHORIZED');
    expect(answer.get('www-authenticate')).toMatch(/^Bearer/);
  });

  it('refuses a CloudEvent body of a type not in INTAKE_EVENT_TYPES: 422 alone, an invalid line in a batch', async () => {
    const event = (type: string, id: string, businessId: string) => ({
      specversion: '1.0',
      id,
      source: 'crm',
      type,
      data: minimalPayload(businessId),
    });
    const alone = await call(
      '/v1/onboardings',
      jsonInit(event('customer.deleted', 'ce-a', ids[30] as string)),
    );
    expect(alone.status).toBe(422);
    expect(alone.body).toMatchObject({
      error: { code: 'EVENT_TYPE_UNKNOWN', errors: [expect.objectContaining({ path: 'type' })] },
    });
    const lines = [
      event('onboarding.customer.requested', 'ce-b', ids[31] as string),
      event('customer.deleted', 'ce-c', ids[32] as string),
    ].map((e) => JSON.stringify(e));
    const batch = await call('/v1/onboardings/batch', {
      method: 'POST',
      headers: { 'content-type': 'application/x-ndjson' },
      body: `${lines.join('\n')}\n`,
    });
    expect(batch.body).toMatchObject({ accepted: 1, rejected: 1 });
    expect((batch.body as { results: unknown[] }).results).toEqual([
      expect.objectContaining({
        line: 1,
        status: 'accepted',
        jobId: onboardingJobId(minimalPayload(ids[31] as string), 'crm|ce-b'),
      }),
      expect.objectContaining({
        line: 2,
        status: 'invalid',
        errors: [expect.objectContaining({ path: 'type' })],
      }),
    ]);
  });

  it('answers 401 on every /v1 route without credentials', async () => {
    const routes: [string, string][] = [
      ['POST', '/v1/onboardings'],
      ['POST', '/v1/onboardings/batch'],
      ['GET', '/v1/onboardings/some-id'],
      ['GET', '/v1/dead-letters'],
      ['GET', '/v1/dead-letters/dl-x'],
      ['POST', '/v1/dead-letters/dl-x/replay'],
      ['POST', '/v1/dead-letters/replay'],
      ['DELETE', '/v1/dead-letters/dl-x'],
      ['DELETE', '/v1/dead-letters?code=X'],
      ['GET', '/v1/unknown'],
    ];
    for (const [method, path] of routes) {
      const { status, body } = await call(path, { method, auth: false });
      expect({ method, path, status, code: (body as ErrorBody).error.code }).toEqual({
        method,
        path,
        status: 401,
        code: 'UNAUTHORIZED',
      });
    }
  });

  it('answers 400 MALFORMED_JSON without quoting the body', async () => {
    const { status, body } = await call(
      '/v1/onboardings',
      jsonInit(`{"contact_person": {"email": ${PERSONAL.email}}}`),
    );
    expect(status).toBe(400);
    expect((body as ErrorBody).error).toMatchObject({ code: 'MALFORMED_JSON' });
    const empty = await call('/v1/onboardings', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
    });
    expect(empty.status).toBe(400);
    expect((empty.body as ErrorBody).error.code).toBe('MALFORMED_JSON');
  });

  it('answers 413 BODY_TOO_LARGE over INTAKE_MAX_BODY_BYTES', async () => {
    const payload = { ...personalPayload(ids[4] as string), padding: 'x'.repeat(5000) };
    const { status, body } = await call('/v1/onboardings', jsonInit(payload));
    expect(status).toBe(413);
    expect((body as ErrorBody).error.code).toBe('BODY_TOO_LARGE');
  });

  it('answers 415 UNSUPPORTED_MEDIA_TYPE to a body that is not JSON', async () => {
    for (const type of ['text/plain', 'application/x-www-form-urlencoded']) {
      const { status, body } = await call('/v1/onboardings', {
        method: 'POST',
        headers: { 'content-type': type },
        body: JSON.stringify(personalPayload(ids[5] as string)),
      });
      expect(status).toBe(415);
      expect((body as ErrorBody).error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    }
    const none = await call('/v1/onboardings', { method: 'POST', body: new Uint8Array([123, 125]) });
    expect(none.status).toBe(415);
  });

  it('answers 422 PAYLOAD_INVALID with {path, code, message} for each field, and enqueues nothing', async () => {
    const payload = brokenPersonalPayload('1234567-8');
    const { status, body } = await call('/v1/onboardings', jsonInit(payload));
    expect(status).toBe(422);
    const error = (body as ErrorBody).error;
    expect(error.code).toBe('PAYLOAD_INVALID');
    expect(error.errors?.map((e) => [e.path, e.code])).toEqual(
      expect.arrayContaining([
        ['customer_info.business_id', 'BUSINESS_ID_CHECK_DIGIT'],
        ['contact_person.email', 'EMAIL_INVALID'],
        ['customer_service_contact.telephone', 'PHONE_INVALID'],
        ['settlement_settings.bank_account_number', 'IBAN_INVALID'],
      ]),
    );
    for (const e of error.errors ?? [])
      expect(e).toEqual({ path: expect.any(String), code: expect.any(String), message: expect.any(String) });
    expect(await onboarding.getJob(onboardingJobId(payload))).toBeUndefined();
  });

  it('takes NDJSON: valid lines are enqueued, invalid and malformed ones are reported with their line number', async () => {
    const lines = [
      JSON.stringify(personalPayload(ids[6] as string)),
      '',
      `{"contact_person": ${PERSONAL.email}`,
      JSON.stringify(brokenPersonalPayload(ids[7] as string)),
      JSON.stringify({ payload: minimalPayload(ids[8] as string), eventId: 'batch-evt-1', source: 'erp' }),
      JSON.stringify(personalPayload(ids[0] as string)),
    ];
    const { status, body } = await call('/v1/onboardings/batch', {
      method: 'POST',
      headers: { 'content-type': 'application/x-ndjson' },
      body: `${lines.join('\r\n')}\n`,
    });
    expect(status).toBe(200);
    const result = body as {
      errors: boolean;
      accepted: number;
      duplicates: number;
      rejected: number;
      results: { line: number; status: string; jobId?: string; errors?: { path: string }[] }[];
    };
    expect(result).toMatchObject({ errors: true, accepted: 2, duplicates: 1, rejected: 2 });
    expect(result.results.map((r) => [r.line, r.status])).toEqual([
      [1, 'accepted'],
      [3, 'malformed'],
      [4, 'invalid'],
      [5, 'accepted'],
      [6, 'duplicate'],
    ]);
    expect(result.results[2]?.errors?.map((e) => e.path)).toContain('contact_person.email');
    expect(result.results[3]?.jobId).toBe('evt-batch-evt-1');
    expect(await onboarding.getJob(onboardingJobId(personalPayload(ids[6] as string)))).toBeDefined();
  });

  it('refuses an empty batch (400) and a batch that is not NDJSON (415)', async () => {
    const empty = await call('/v1/onboardings/batch', {
      method: 'POST',
      headers: { 'content-type': 'application/x-ndjson' },
      body: '\n\n',
    });
    expect(empty.status).toBe(400);
    const json = await call('/v1/onboardings/batch', jsonInit([minimalPayload(ids[9] as string)]));
    expect(json.status).toBe(415);
  });

  it('echoes a sane X-Request-Id and puts it on every log line of the request; replaces an insane one', async () => {
    const sane = await http.request(
      '/v1/onboardings',
      jsonInit(minimalPayload(ids[10] as string), { 'x-request-id': 'trace-abc.123' }),
    );
    expect(sane.headers.get('x-request-id')).toBe('trace-abc.123');
    await sane.text();
    const lines = http.logLines.filter((line) => line.includes('trace-abc.123'));
    expect(lines.map((line) => JSON.parse(line).message)).toEqual(
      expect.arrayContaining(['onboarding accepted', 'http request']),
    );
    const insane = await http.request('/v1/onboardings/x', {
      headers: { 'x-request-id': 'a b\u00e4<script>' },
    });
    expect(insane.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const body = (await insane.json()) as ErrorBody;
    expect(body.error.requestId).toBe(insane.headers.get('x-request-id'));
  });

  it('answers 404 NOT_FOUND with the standard body for an unknown route', async () => {
    const { status, body } = await call('/nothing-here', { auth: false });
    expect(status).toBe(404);
    expect((body as ErrorBody).error).toMatchObject({ code: 'NOT_FOUND', requestId: expect.any(String) });
  });

  it('never wrote a personal value into an answer or a log line', () => {
    expect(bodies.length).toBeGreaterThan(20);
    bodies.forEach((body, i) => expectNoPersonalData(body, `answer #${i}`));
    http.logLines.forEach((line, i) => expectNoPersonalData(line, `log line #${i}`));
  });
});

describe('HTTP intake backpressure', () => {
  it('answers 429 BACKLOG_FULL with Retry-After above INTAKE_MAX_BACKLOG, and 422 still wins for an invalid payload', async () => {
    const http = await startHttpHarness({ env: { INTAKE_MAX_BACKLOG: '2' } });
    const onboarding = new Queue(QUEUE_NAMES.onboarding, {
      connection: http.connection,
      prefix: http.prefix,
    });
    try {
      const ids = businessIds(3, 3_200_000);
      for (const id of ids.slice(0, 2)) {
        expect((await http.request('/v1/onboardings', jsonInit(minimalPayload(id)))).status).toBe(202);
      }
      // The backlog is sampled at most once a second.
      await new Promise((resolve) => setTimeout(resolve, 1100));
      const full = await http.request('/v1/onboardings', jsonInit(minimalPayload(ids[2] as string)));
      expect(full.status).toBe(429);
      expect(full.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(((await full.json()) as ErrorBody).error.code).toBe('BACKLOG_FULL');
      const invalid = await http.request('/v1/onboardings', jsonInit(minimalPayload('1234567-8')));
      expect(invalid.status).toBe(422);
      await invalid.text();
    } finally {
      await onboarding.obliterate({ force: true }).catch(() => undefined);
      await onboarding.close();
      await http.close();
    }
  });
});
