import { deadLetterJobId } from '../../../src/contracts/dead-letter-record';
import { onboardingJobId } from '../../../src/contracts/onboarding-job';
import { JOB_NAMES } from '../../../src/queues/queue-names';
import { startTestPipeline, type TestPipeline } from '../../support/pipeline-harness';
import { businessIds } from '../../support/payloads';
import { startHttpHarness, type HttpHarness } from './support/http-harness';
import { expectNoPersonalData, PERSONAL, personalPayload } from './support/personal-data';

type ErrorBody = { error: { code: string; errors?: { path: string; code: string }[] } };

describe('dead-letter API and job status over HTTP (real worker, real sandbox)', () => {
  let pipeline: TestPipeline;
  let http: HttpHarness;
  const ids = businessIds(6, 3_400_000);

  /** Adds a job as a producer that skipped validation would; the worker dead-letters it. */
  async function deadLetter(
    payload: Record<string, unknown>,
  ): Promise<{ jobId: string; deadLetterId: string }> {
    const jobId = onboardingJobId(payload);
    await pipeline.onboarding.add(
      JOB_NAMES.onboardCustomer,
      { payload, receivedAt: new Date().toISOString(), deliveryId: jobId, source: 'raw' },
      { jobId, attempts: 3 },
    );
    await pipeline.waitForDeadLetter(jobId);
    return { jobId, deadLetterId: deadLetterJobId(jobId) };
  }

  /** A payload with the distinctive personal values and an unknown key (a typo) that the worker refuses. */
  function typoPayload(businessId: string): Record<string, unknown> {
    const payload = personalPayload(businessId) as Record<string, Record<string, unknown>>;
    payload.contact_person = { ...payload.contact_person, emial: 'typo' };
    return payload;
  }

  beforeAll(async () => {
    pipeline = await startTestPipeline();
    http = await startHttpHarness({ prefix: pipeline.prefix });
  });

  afterAll(async () => {
    await http.close();
    await pipeline.close();
  });

  it('reports a created job: state, attempts and customer id, without its payload', async () => {
    const payload = personalPayload(ids[0] as string);
    const accepted = await http.request('/v1/onboardings', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(payload),
    });
    const { jobId, statusUrl } = (await accepted.json()) as { jobId: string; statusUrl: string };
    await pipeline.waitForJob(jobId);
    const response = await http.request(statusUrl);
    const text = await response.text();
    expect(response.status).toBe(200);
    expect(JSON.parse(text)).toMatchObject({
      jobId,
      state: 'completed',
      attempts: 1,
      businessId: ids[0],
      outcome: { type: 'created', customerId: expect.any(String) },
    });
    expectNoPersonalData(text, 'the status answer');
    const missing = await http.request('/v1/onboardings/no-such-job');
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as ErrorBody).error.code).toBe('NOT_FOUND');
  });

  it('lists, filters, shows, refuses a bad patch, replays with a fixing patch, and deletes', async () => {
    const first = await deadLetter(typoPayload(ids[1] as string));
    const second = await deadLetter(typoPayload(ids[2] as string));

    const status = await http.request(`/v1/onboardings/${first.jobId}`);
    expect(await status.json()).toMatchObject({
      state: 'failed',
      outcome: { type: 'dead_lettered', reasonCode: 'PAYLOAD_INVALID', deadLetterId: first.deadLetterId },
    });

    const list = await http.request('/v1/dead-letters?code=PAYLOAD_INVALID&limit=1');
    const listText = await list.text();
    expect(list.status).toBe(200);
    const page = JSON.parse(listText) as { total: number; items: { id: string; fields: string[] }[] };
    expect(page).toMatchObject({ total: 2, offset: 0, limit: 1 });
    expect(page.items).toHaveLength(1);
    expect(page.items[0]?.fields).toEqual(['contact_person.emial']);
    expectNoPersonalData(listText, 'the dead-letter listing');

    const byBusiness = await http.request(`/v1/dead-letters?businessId=${ids[2]}`);
    expect(((await byBusiness.json()) as { items: { id: string }[] }).items.map((i) => i.id)).toEqual([
      second.deadLetterId,
    ]);
    const none = await http.request('/v1/dead-letters?code=ROPO_REJECTED&newerThan=1h');
    expect(await none.json()).toMatchObject({ total: 0, items: [] });
    const older = await http.request('/v1/dead-letters?olderThan=1d');
    expect(await older.json()).toMatchObject({ total: 0 });
    const badQuery = await http.request('/v1/dead-letters?olderThan=yesterday&colour=red');
    expect(badQuery.status).toBe(400);
    expect(((await badQuery.json()) as ErrorBody).error.errors?.map((e) => e.path).sort()).toEqual([
      'colour',
      'olderThan',
    ]);

    // Show is the one answer that holds the payload: operators need it to fix the data.
    const show = await http.request(`/v1/dead-letters/${first.deadLetterId}`);
    const record = (await show.json()) as {
      id: string;
      record: { payload: { contact_person: { email: string } }; reason: { code: string } };
    };
    expect(record.record.reason.code).toBe('PAYLOAD_INVALID');
    expect(record.record.payload.contact_person.email).toBe(PERSONAL.email);

    const stillBad = await http.request(`/v1/dead-letters/${first.deadLetterId}/replay`, {
      method: 'POST',
      headers: { 'content-type': 'application/merge-patch+json' },
      body: JSON.stringify({ contact_person: { emial: null, email: 'not-an-email' } }),
    });
    expect(stillBad.status).toBe(422);
    expect(((await stillBad.json()) as ErrorBody).error.errors?.map((e) => e.code)).toEqual([
      'EMAIL_INVALID',
    ]);

    // A key no merge can apply is refused by name, not silently dropped with the unpatched payload replayed.
    for (const body of [
      '{"__proto__":{"x":1},"contact_person":{"emial":null}}',
      '{"contact_person":{"emial":null,"constructor":{"prototype":{}}}}',
    ]) {
      const polluted = await http.request(`/v1/dead-letters/${first.deadLetterId}/replay`, {
        method: 'POST',
        headers: { 'content-type': 'application/merge-patch+json' },
        body,
      });
      expect(polluted.status).toBe(400);
      const error = ((await polluted.json()) as { error: { code: string; message: string } }).error;
      expect(error.code).toBe('BAD_REQUEST');
      expect(error.message).toMatch(/the key (__proto__|contact_person\.constructor),/);
    }
    expect((await http.request(`/v1/dead-letters/${first.deadLetterId}`)).status).toBe(200);

    const notJson = await http.request(`/v1/dead-letters/${first.deadLetterId}/replay`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: '{"contact_person":{"emial":null}}',
    });
    expect(notJson.status).toBe(415);
    await notJson.text();

    const dryRun = await http.request(`/v1/dead-letters/${first.deadLetterId}/replay?dryRun=true`, {
      method: 'POST',
      headers: { 'content-type': 'application/merge-patch+json' },
      body: JSON.stringify({ contact_person: { emial: null } }),
    });
    expect(dryRun.status).toBe(200);
    expect(await dryRun.json()).toMatchObject({ action: 'would-replay' });

    const replay = await http.request(`/v1/dead-letters/${first.deadLetterId}/replay`, {
      method: 'POST',
      headers: { 'content-type': 'application/merge-patch+json' },
      body: JSON.stringify({ contact_person: { emial: null } }),
    });
    expect(replay.status).toBe(202);
    const outcome = (await replay.json()) as { action: string; newJobId: string; statusUrl: string };
    expect(outcome).toMatchObject({ action: 'replayed', statusUrl: `/v1/onboardings/${outcome.newJobId}` });
    await pipeline.waitForJob(outcome.newJobId);
    const replayed = await http.request(outcome.statusUrl);
    expect(await replayed.json()).toMatchObject({
      state: 'completed',
      replayOf: first.jobId,
      outcome: { type: 'created' },
    });
    // Replayed, the record and what was left of the original job are gone: the replay carries on.
    expect((await http.request(`/v1/onboardings/${first.jobId}`)).status).toBe(404);
    expect(await pipeline.onboarding.getJobState(first.jobId)).toBe('unknown');
    expect((await http.request(`/v1/dead-letters/${first.deadLetterId}`)).status).toBe(404);

    const deleted = await http.request(`/v1/dead-letters/${second.deadLetterId}`, { method: 'DELETE' });
    expect(deleted.status).toBe(204);
    expect((await http.request(`/v1/dead-letters/${second.deadLetterId}`, { method: 'DELETE' })).status).toBe(
      404,
    );
    expect(
      (await http.request(`/v1/dead-letters/${second.deadLetterId}/replay`, { method: 'POST' })).status,
    ).toBe(404);
  });

  it('bulk-replays by filter (refusing a replay of everything without all: true) and bulk-deletes', async () => {
    const a = await deadLetter(typoPayload(ids[3] as string));
    const b = await deadLetter(typoPayload(ids[4] as string));

    const unfiltered = await http.request('/v1/dead-letters/replay', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(unfiltered.status).toBe(400);
    expect(((await unfiltered.json()) as ErrorBody).error.code).toBe('BAD_REQUEST');

    // Without a patch, these payloads are still invalid: the replay says so and keeps the records.
    const bulk = await http.request('/v1/dead-letters/replay', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ code: 'PAYLOAD_INVALID' }),
    });
    const bulkText = await bulk.text();
    expect(bulk.status).toBe(200);
    expect(JSON.parse(bulkText)).toMatchObject({ replayed: 0, invalid: 2 });
    expectNoPersonalData(bulkText, 'the bulk replay answer');

    const refused = await http.request('/v1/dead-letters', { method: 'DELETE' });
    expect(refused.status).toBe(400);
    await refused.text();
    const purge = await http.request(`/v1/dead-letters?code=PAYLOAD_INVALID&businessId=${ids[3]}`, {
      method: 'DELETE',
    });
    expect(await purge.json()).toEqual({ removed: [a.deadLetterId] });
    const rest = await http.request('/v1/dead-letters');
    expect(((await rest.json()) as { items: { id: string }[] }).items.map((i) => i.id)).toEqual([
      b.deadLetterId,
    ]);
  });

  it('logged no personal value', () => {
    http.logLines.forEach((line, i) => expectNoPersonalData(line, `log line #${i}`));
  });
});
