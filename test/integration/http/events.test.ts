import { Queue } from 'bullmq';
import { onboardingJobId } from '../../../src/contracts/onboarding-job';
import { cloudEventId } from '../../../src/intake/read-message';
import { QUEUE_NAMES } from '../../../src/queues/queue-names';
import { businessIds, minimalPayload } from '../../support/payloads';
import { jsonInit, OPERATOR_TOKEN, startHttpHarness, type HttpHarness } from './support/http-harness';
import { expectNoPersonalData, PERSONAL, personalPayload } from './support/personal-data';

type ErrorBody = {
  error: { code: string; message: string; errors?: { path: string; code: string }[] };
};

const CRM_TYPE = 'com.example.crm.account.signed_up';

describe('POST /v1/events (CloudEvents 1.0 over HTTP)', () => {
  let http: HttpHarness;
  let onboarding: Queue;
  const ids = businessIds(30, 3_400_000);
  const bodies: string[] = [];
  let n = 0;

  async function post(
    body: unknown,
    headers: Record<string, string>,
    auth?: string,
  ): Promise<{ status: number; body: unknown; headers: Headers }> {
    const response = await http.request('/v1/events', {
      method: 'POST',
      headers: auth ? { ...headers, authorization: `Bearer ${auth}` } : headers,
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    bodies.push(text);
    return { status: response.status, body: text ? JSON.parse(text) : undefined, headers: response.headers };
  }

  const structured = (event: unknown, auth?: string) =>
    post(event, { 'content-type': 'application/cloudevents+json; charset=utf-8' }, auth);
  const batch = (events: unknown) => post(events, { 'content-type': 'application/cloudevents-batch+json' });

  function event(data: unknown, overrides: Record<string, unknown> = {}): Record<string, unknown> {
    n += 1;
    return {
      specversion: '1.0',
      id: `evt-${n}`,
      source: 'https://crm.example/accounts',
      type: 'onboarding.customer.requested',
      datacontenttype: 'application/json',
      data,
      ...overrides,
    };
  }

  const jobIdOf = (e: Record<string, unknown>) =>
    onboardingJobId(e.data, cloudEventId(e.source as string, e.id as string));

  beforeAll(async () => {
    http = await startHttpHarness({
      env: { INTAKE_EVENT_TYPES: `onboarding.customer.requested, ${CRM_TYPE}`, INTAKE_MAX_BATCH_LINES: '8' },
    });
    onboarding = new Queue(QUEUE_NAMES.onboarding, { connection: http.connection, prefix: http.prefix });
  });

  afterAll(async () => {
    await onboarding.obliterate({ force: true }).catch(() => undefined);
    await onboarding.close();
    await http.close();
  });

  it('stores a structured-mode event as a job whose id comes from source + id; a redelivery is a duplicate', async () => {
    const e = event(personalPayload(ids[0] as string));
    const first = await structured(e);
    expect(first.status).toBe(202);
    const jobId = jobIdOf(e);
    expect(first.body).toEqual({ jobId, duplicate: false, statusUrl: `/v1/onboardings/${jobId}` });
    expect(first.headers.get('location')).toBe(`/v1/onboardings/${jobId}`);
    const job = await onboarding.getJob(jobId);
    expect(job?.data).toMatchObject({
      payload: e.data,
      eventId: 'https://crm.example/accounts|' + String(e.id),
      source: 'https://crm.example/accounts',
    });

    const before = await onboarding.count();
    const again = await structured(e);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ jobId, duplicate: true });
    expect(await onboarding.count()).toBe(before);
  });

  it('reads binary mode (ce-* headers, JSON body), and the same source + id as a structured event is one job', async () => {
    const e = event(minimalPayload(ids[1] as string));
    const headers = {
      'content-type': 'application/json',
      'ce-specversion': '1.0',
      'ce-id': e.id as string,
      'ce-source': e.source as string,
      'ce-type': CRM_TYPE,
    };
    const binary = await post(e.data, headers);
    expect(binary.status).toBe(202);
    expect(binary.body).toMatchObject({ jobId: jobIdOf(e), duplicate: false });
    const asStructured = await structured(e);
    expect(asStructured.status).toBe(200);
    expect(asStructured.body).toMatchObject({ jobId: jobIdOf(e), duplicate: true });
  });

  it('accepts our envelope as data, with source + id still the event id', async () => {
    const payload = minimalPayload(ids[2] as string);
    const e = event({ payload, eventId: 'ignored-inner-id', source: 'crm-eu' });
    const { status, body } = await structured(e);
    expect(status).toBe(202);
    const jobId = onboardingJobId(payload, cloudEventId(e.source as string, e.id as string));
    expect(body).toMatchObject({ jobId });
    expect((await onboarding.getJob(jobId))?.data).toMatchObject({ payload, source: 'crm-eu' });
  });

  it('refuses a type outside INTAKE_EVENT_TYPES with 422 EVENT_TYPE_UNKNOWN naming the type, not the payload', async () => {
    const e = event(personalPayload(ids[3] as string), { type: 'com.example.crm.account.deleted' });
    const { status, body } = await structured(e);
    expect(status).toBe(422);
    const error = (body as ErrorBody).error;
    expect(error.code).toBe('EVENT_TYPE_UNKNOWN');
    expect(error.message).toContain('"com.example.crm.account.deleted"');
    expect(await onboarding.getJob(jobIdOf(e))).toBeUndefined();
  });

  it('answers an invalid payload with the same PAYLOAD_INVALID errors as /v1/onboardings', async () => {
    const payload = { customer_info: { business_id: '1234567-8' }, contact_person: { email: 'nope' } };
    const viaEvents = await structured(event(payload));
    const viaOnboardings = await http.request('/v1/onboardings', jsonInit(payload));
    expect(viaEvents.status).toBe(422);
    expect(viaOnboardings.status).toBe(422);
    const mine = (viaEvents.body as ErrorBody).error;
    const theirs = ((await viaOnboardings.json()) as ErrorBody).error;
    expect(mine.code).toBe('PAYLOAD_INVALID');
    expect(mine.errors).toEqual(theirs.errors);
    expect(mine.errors?.map((e) => e.path)).toEqual(
      expect.arrayContaining(['customer_info.business_id', 'contact_person.email']),
    );
  });

  it.each([
    ['without an id (the SDK would invent one)', { id: undefined }, 'id'],
    ['of another specversion', { specversion: '0.3' }, 'specversion'],
    ['with a time that is not a timestamp', { time: 'yesterday' }, 'time'],
  ])(
    'refuses an event %s with 400 CLOUDEVENT_INVALID naming the attribute',
    async (_name, overrides, path) => {
      const e = event(minimalPayload(ids[4] as string), overrides);
      const { status, body } = await structured(e);
      expect(status).toBe(400);
      const error = (body as ErrorBody).error;
      expect(error.code).toBe('CLOUDEVENT_INVALID');
      expect(error.errors?.map((x) => x.path)).toContain(path);
    },
  );

  it('refuses plain JSON without ce-* headers, and binary mode without ce-id', async () => {
    const plain = await post(minimalPayload(ids[5] as string), { 'content-type': 'application/json' });
    expect(plain.status).toBe(400);
    expect((plain.body as ErrorBody).error.code).toBe('CLOUDEVENT_INVALID');
    const noId = await post(minimalPayload(ids[5] as string), {
      'content-type': 'application/json',
      'ce-specversion': '1.0',
      'ce-source': 'crm',
      'ce-type': CRM_TYPE,
    });
    expect(noId.status).toBe(400);
    expect((noId.body as ErrorBody).error.errors?.map((x) => x.path)).toEqual(['ce-id']);
  });

  it('needs an intake token: none is 401, an operator token 403', async () => {
    const e = event(minimalPayload(ids[6] as string));
    const none = await http.request('/v1/events', {
      method: 'POST',
      headers: { 'content-type': 'application/cloudevents+json' },
      body: JSON.stringify(e),
      auth: false,
    });
    expect(none.status).toBe(401);
    const operator = await structured(e, OPERATOR_TOKEN);
    expect(operator.status).toBe(403);
    expect(await onboarding.getJob(jobIdOf(e))).toBeUndefined();
  });

  it('answers a batch per event: stored, duplicate, unknown type, invalid payload and invalid event', async () => {
    const stored = event(minimalPayload(ids[7] as string));
    const seen = event(minimalPayload(ids[8] as string));
    expect((await structured(seen)).status).toBe(202);
    const unknown = event(minimalPayload(ids[9] as string), { type: 'crm.other' });
    const invalid = event({
      customer_info: { business_id: ids[10] },
      contact_person: { email: PERSONAL.email + 'x@' },
    });
    const noSource = event(minimalPayload(ids[11] as string), { source: '' });
    const before = await onboarding.count();
    const { status, body } = await batch([stored, seen, unknown, invalid, noSource, stored]);
    expect(status).toBe(200);
    expect(body).toMatchObject({ errors: true, accepted: 1, duplicates: 2, rejected: 3 });
    const results = (body as { results: Record<string, unknown>[] }).results;
    expect(results.map((r) => [r.index, r.status, r.code])).toEqual([
      [0, 'accepted', undefined],
      [1, 'duplicate', undefined],
      [2, 'rejected', 'EVENT_TYPE_UNKNOWN'],
      [3, 'rejected', 'PAYLOAD_INVALID'],
      [4, 'rejected', 'CLOUDEVENT_INVALID'],
      [5, 'duplicate', undefined],
    ]);
    expect(results[0]).toMatchObject({ jobId: jobIdOf(stored) });
    expect(await onboarding.count()).toBe(before + 1);
  });

  it('refuses a batch that is not an array, an empty one, and one over INTAKE_MAX_BATCH_LINES', async () => {
    const notArray = await batch(event(minimalPayload(ids[12] as string)));
    expect(notArray.status).toBe(400);
    expect((notArray.body as ErrorBody).error.code).toBe('CLOUDEVENT_INVALID');
    const empty = await batch([]);
    expect(empty.status).toBe(400);
    const tooMany = await batch(Array.from({ length: 9 }, () => event(minimalPayload(ids[13] as string))));
    expect(tooMany.status).toBe(413);
    expect((tooMany.body as ErrorBody).error.code).toBe('BATCH_TOO_MANY_LINES');
  });

  it('never echoes personal data in any answer', () => {
    for (const body of bodies) expectNoPersonalData(body, 'an answer of /v1/events');
  });
});
