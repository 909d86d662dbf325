import { Queue } from 'bullmq';
import { Webhook } from 'standardwebhooks';
import { QUEUE_NAMES } from '../../../src/queues/queue-names';
import { businessIds, minimalPayload } from '../../support/payloads';
import { startHttpHarness, type HttpHarness } from './support/http-harness';

const OLD_SECRET = `whsec_${Buffer.from('old-secret-0123456789abcdef').toString('base64')}`;
const NEW_SECRET = `whsec_${Buffer.from('new-secret-0123456789abcdef').toString('base64')}`;
const WRONG_SECRET = `whsec_${Buffer.from('not-our-secret-0123456789').toString('base64')}`;

let http: HttpHarness;
let onboarding: Queue;
let counter = 0;

beforeAll(async () => {
  http = await startHttpHarness({ env: { WEBHOOK_SECRETS: `${NEW_SECRET},${OLD_SECRET}` } });
  onboarding = new Queue(QUEUE_NAMES.onboarding, { connection: http.connection, prefix: http.prefix });
});

afterAll(async () => {
  await onboarding.close();
  await http.close();
});

function signed(
  body: string,
  secret: string,
  options: { id?: string; at?: Date } = {},
): Record<string, string> {
  const id = options.id ?? `msg_${++counter}`;
  const at = options.at ?? new Date();
  return {
    'content-type': 'application/json',
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': new Webhook(secret).sign(id, at, body),
  };
}

// No Bearer token: the signature is the authentication.
const post = (body: string, headers: Record<string, string>) =>
  http.request('/v1/webhooks/signups', { method: 'POST', body, headers, auth: false });

function payloadBody(index: number): string {
  return JSON.stringify(minimalPayload(businessIds(1, 3_100_000 + index * 7)[0] as string));
}

describe('POST /v1/webhooks/signups', () => {
  it('accepts a valid signature and makes a job whose id is the webhook-id', async () => {
    const body = payloadBody(1);
    const res = await post(body, signed(body, NEW_SECRET, { id: 'msg_valid_1' }));
    expect(res.status).toBe(202);
    const answer = (await res.json()) as { jobId: string; duplicate: boolean };
    expect(answer).toMatchObject({ jobId: 'evt-msg_valid_1', duplicate: false });
    const job = await onboarding.getJob(answer.jobId);
    expect(job?.data).toMatchObject({ eventId: 'msg_valid_1', source: 'webhook' });
  });

  it('accepts the rotated (older) secret too', async () => {
    const body = payloadBody(2);
    const res = await post(body, signed(body, OLD_SECRET));
    expect(res.status).toBe(202);
  });

  it('answers a re-sent webhook 200 duplicate:true with one job', async () => {
    const body = payloadBody(3);
    const before = await onboarding.count();
    const first = await post(body, signed(body, NEW_SECRET, { id: 'msg_resent' }));
    // The sender re-signs on retry: new timestamp, same id.
    const again = await post(
      body,
      signed(body, NEW_SECRET, { id: 'msg_resent', at: new Date(Date.now() - 1000) }),
    );
    expect(first.status).toBe(202);
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ jobId: 'evt-msg_resent', duplicate: true });
    expect((await onboarding.count()) - before).toBe(1);
  });

  it.each([
    ['a wrong secret', (b: string) => ({ body: b, headers: signed(b, WRONG_SECRET) }), 'SIGNATURE_INVALID'],
    [
      'a tampered body',
      (b: string) => ({ body: b.replace('3', '4'), headers: signed(b, NEW_SECRET) }),
      'SIGNATURE_INVALID',
    ],
    [
      'a stale timestamp',
      (b: string) => ({ body: b, headers: signed(b, NEW_SECRET, { at: new Date(Date.now() - 6 * 60_000) }) }),
      'SIGNATURE_EXPIRED',
    ],
    [
      'a future timestamp',
      (b: string) => ({ body: b, headers: signed(b, NEW_SECRET, { at: new Date(Date.now() + 6 * 60_000) }) }),
      'SIGNATURE_EXPIRED',
    ],
    [
      'missing headers',
      (b: string) => ({ body: b, headers: { 'content-type': 'application/json' } }),
      'SIGNATURE_INVALID',
    ],
  ])('refuses %s with 401 and stores nothing', async (_name, make, code) => {
    const before = await onboarding.count();
    const { body, headers } = make(payloadBody(4));
    const res = await post(body, headers);
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe(code);
    expect(await onboarding.count()).toBe(before);
  });

  it('answers an invalid record 422 PAYLOAD_INVALID with field paths', async () => {
    const body = JSON.stringify({ customer_info: { business_id: '1234567-8' }, contact_person: {} });
    const res = await post(body, signed(body, NEW_SECRET));
    expect(res.status).toBe(422);
    const answer = (await res.json()) as { error: { code: string; errors: { path: string }[] } };
    expect(answer.error.code).toBe('PAYLOAD_INVALID');
    expect(answer.error.errors.map((e) => e.path)).toContain('customer_info.business_id');
  });

  it('takes a CloudEvent of a listed type, and refuses another type 422 EVENT_TYPE_UNKNOWN, storing nothing', async () => {
    const event = (type: string, index: number) =>
      JSON.stringify({
        specversion: '1.0',
        id: `ce-${index}`,
        source: 'crm',
        type,
        data: JSON.parse(payloadBody(index)),
      });
    const listed = event('onboarding.customer.requested', 5);
    expect((await post(listed, signed(listed, NEW_SECRET))).status).toBe(202);

    const before = await onboarding.count();
    const other = event('customer.deleted', 6);
    const res = await post(other, signed(other, NEW_SECRET));
    expect(res.status).toBe(422);
    const answer = (await res.json()) as { error: { code: string; message: string } };
    expect(answer.error).toMatchObject({ code: 'EVENT_TYPE_UNKNOWN' });
    expect(answer.error.message).toContain('"customer.deleted"');
    expect(await onboarding.count()).toBe(before);
  });
});
