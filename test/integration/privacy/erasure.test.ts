import { randomBytes, randomInt } from 'node:crypto';
import { composeIBAN } from 'ibantools';
import type { Redis } from 'ioredis';
import { deadLetterJobId } from '../../../src/contracts/dead-letter-record';
import { Queue } from 'bullmq';
import { eraseCustomer } from '../../../src/queues/customer-erasure';
import { readErasureAudit } from '../../../src/queues/erasure-audit';
import { SINK_QUEUE_NAME_PREFIX } from '../../../src/queues/queue-names';
import { startTestPipeline, type TestPipeline } from '../../support/pipeline-harness';
import { businessIds, completePayload } from '../../support/payloads';
import { keysHolding } from '../../support/redis-values';
import { runCli } from '../../support/run-cli';
import { testRedisClient, testRedisUrl } from '../../support/redis';
import { startHttpHarness, TOKEN, type HttpHarness } from '../http/support/http-harness';

// The CLI steps spawn a process each; on a busy 2-core machine a start-up takes seconds.
jest.setTimeout(120_000);

const HMAC_KEY = `erasure-test-key-${randomBytes(16).toString('hex')}`;

/** Personal values no other test file uses, so a scan of the whole shared Redis can look for them. */
function person(tag: string) {
  const digits = String(randomInt(1_000_000, 9_999_999));
  return {
    name: `${tag} Poistettava${randomBytes(3).toString('hex')}`,
    email: `erase-${tag.toLowerCase()}-${randomBytes(4).toString('hex')}@privacy-check.example`,
    phone: `+35840${digits}`,
    iban: composeIBAN({ countryCode: 'FI', bban: String(randomInt(1e13, 1e14 - 1)) }) as string,
  };
}

type Person = ReturnType<typeof person>;

function payloadOf(businessId: string, p: Person): Record<string, unknown> {
  const payload = completePayload(businessId) as Record<string, Record<string, unknown>> & {
    users: Record<string, unknown>[];
  };
  payload.contact_person = { name: p.name, telephone: p.phone, email: p.email };
  payload.agreement_acceptor = { email: p.email };
  payload.settlement_settings = { ...payload.settlement_settings, bank_account_number: p.iban };
  payload.users = [{ ...payload.users[0], email: p.email, phone_number: p.phone }];
  return payload;
}

describe('erase: every trace of a customer goes, in every key of Redis', () => {
  let pipeline: TestPipeline;
  let http: HttpHarness;
  let redis: Redis;
  let env: NodeJS.ProcessEnv;
  const [created, deadLettered, replayed] = businessIds(3, 5_000_000 + randomInt(0, 900_000)) as [
    string,
    string,
    string,
  ];
  const people = { created: person('Anna'), deadLettered: person('Bertta'), replayed: person('Cecilia') };
  const idempotencyKey = `idem-${randomBytes(6).toString('hex')}`;
  const needles = () => [
    created,
    deadLettered,
    replayed,
    idempotencyKey,
    ...Object.values(people).flatMap((p) => [p.name, p.email, p.phone, p.iban]),
  ];

  beforeAll(async () => {
    pipeline = await startTestPipeline({ env: { JOB_ATTEMPTS: '2' } });
    http = await startHttpHarness({
      prefix: pipeline.prefix,
      sandboxTarget: true,
      env: { ERASURE_HMAC_KEY: HMAC_KEY },
    });
    redis = testRedisClient();
    env = { REDIS_URL: testRedisUrl(), QUEUE_PREFIX: pipeline.prefix, ERASURE_HMAC_KEY: HMAC_KEY };
  });

  afterAll(async () => {
    await redis.quit();
    await http.close();
    await pipeline.close();
  });

  it('sets up a created customer, one dead-lettered with a Ropo message echoing personal data, and one replayed', async () => {
    const a = await pipeline.producer.enqueue(payloadOf(created, people.created), {
      eventId: idempotencyKey,
    });
    expect((await pipeline.waitForJob(a.jobId)).returnvalue.outcome).toBe('created');

    pipeline.sandbox.setFaults({ sequence: [{ status: 422, echo: true }] });
    const b = await pipeline.producer.enqueue(payloadOf(deadLettered, people.deadLettered));
    const record = await pipeline.waitForDeadLetter(b.jobId);
    // Ropo echoed the contact person: the text is kept (redacted) in the record's ropoError only.
    expect(record.reason.ropoError?.Message).toContain(people.deadLettered.name);

    pipeline.sandbox.setFaults({ sequence: [{ status: 422, echo: true }] });
    const c = await pipeline.producer.enqueue(payloadOf(replayed, people.replayed));
    await pipeline.waitForDeadLetter(c.jobId);
    const replay = await http.request(`/v1/dead-letters/${deadLetterJobId(c.jobId)}/replay`, {
      method: 'POST',
    });
    expect(replay.status).toBe(202);
    const { newJobId } = (await replay.json()) as { newJobId: string };
    expect((await pipeline.waitForJob(newJobId)).returnvalue.outcome).toBe('created');

    // A delivery queue of a sink holds copies of the events (as `deliver` fans them out).
    const sink = new Queue(`${SINK_QUEUE_NAME_PREFIX}audit-test`, {
      connection: pipeline.connection,
      prefix: pipeline.prefix,
    });
    try {
      for (const event of (await pipeline.events()).filter((e) => e.subject === created))
        await sink.add('deliver-event', event, { jobId: event.id });
    } finally {
      await sink.close();
    }

    // Before erasure the data is there, BullMQ's event streams included: the scan below can see it.
    // (Ropo's echo no longer reaches a stream: failedReason carries its code and status only.)
    const before = await keysHolding(redis, [people.deadLettered.phone, people.replayed.name, created]);
    const stream = `stream ${pipeline.prefix}:onboarding:events`;
    expect(before.some((line) => line.startsWith(stream) && line.includes(created))).toBe(true);
    expect(before.some((line) => line.includes(people.deadLettered.phone))).toBe(true);
  });

  it('refuses an invalid business id and an erasure without --yes (exit 2), removing nothing', async () => {
    const shape = await runCli(['erase', 'not-an-id', '--yes'], env);
    expect(shape.code).toBe(2);
    expect(shape.stderr).toMatch(/refused: expected a Finnish business id/);
    const digit = await runCli(['erase', '1234567-8', '--yes'], env);
    expect(digit.code).toBe(2);
    expect(digit.stderr).toContain('the check digit should be 1');
    const unconfirmed = await runCli(['erase', deadLettered], env);
    expect(unconfirmed.code).toBe(2);
    expect(unconfirmed.stderr).toMatch(/--dry-run .* --yes/);
    expect(await pipeline.deadLetters()).toEqual(
      expect.arrayContaining([expect.objectContaining({ businessId: deadLettered })]),
    );

    const badHttp = await http.request('/v1/customers/1234567-8', { method: 'DELETE' });
    expect(badHttp.status).toBe(400);
    expect(await badHttp.text()).toContain('BUSINESS_ID_CHECK_DIGIT');
  });

  it('a dry run lists what would go, by kind and count, and removes nothing', async () => {
    const cli = await runCli(['erase', deadLettered, '--dry-run', '--json'], env);
    expect(cli.code).toBe(0);
    const report = JSON.parse(cli.stdout) as { dryRun: boolean; counts: Record<string, number> };
    expect(report.dryRun).toBe(true);
    expect(report.counts).toMatchObject({ 'dead-letters': 1, 'onboarding-jobs': 0, ledger: 0 });
    expect(report.counts.events).toBeGreaterThanOrEqual(1);
    expect(report.counts['event-stream-entries']).toBeGreaterThan(0);
    const text = await runCli(['erase', deadLettered, '--dry-run'], env);
    expect(text.stdout).toMatch(/would erase .*\n {2}dead-letters +1\n/);
    expect(text.stdout).toContain('nothing was removed');

    const overHttp = await http.request(`/v1/customers/${created}?dryRun=true`, { method: 'DELETE' });
    expect(overHttp.status).toBe(200);
    expect(await overHttp.json()).toMatchObject({
      dryRun: true,
      counts: { 'onboarding-jobs': 1, ledger: 1, events: 1, 'profile-uuids': 1 },
    });
    expect((await keysHolding(redis, [deadLettered, created])).length).toBeGreaterThan(0);
    expect(await readErasureAudit(pipeline.connection, pipeline.prefix)).toEqual([]);
  });

  it('DELETE /v1/customers/:businessId takes the operator scope only', async () => {
    const intake = await http.request(`/v1/customers/${created}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(intake.status).toBe(403);
    const none = await http.request(`/v1/customers/${created}`, { method: 'DELETE', auth: false });
    expect(none.status).toBe(401);
    expect((await keysHolding(redis, [created])).length).toBeGreaterThan(0);
  });

  it('erases over HTTP, the CLI and the library; then no key holds an id or a personal value', async () => {
    const overHttp = await http.request(`/v1/customers/${created}`, { method: 'DELETE' });
    expect(overHttp.status).toBe(200);
    const httpReport = (await overHttp.json()) as { total: number; counts: Record<string, number> };
    expect(httpReport.counts).toMatchObject({
      'onboarding-jobs': 1,
      ledger: 1,
      events: 1,
      'sink-deliveries': 1,
    });

    const cli = await runCli(['erase', deadLettered, '--yes'], env);
    expect(cli.code).toBe(0);
    expect(cli.stdout).toMatch(new RegExp(`^erased ${deadLettered}: \\d+ item\\(s\\)`));
    expect(cli.stdout).toMatch(/dead-letters +1\n/);

    const library = await eraseCustomer(pipeline.connection, pipeline.prefix, replayed, {
      who: 'test-suite',
      hmacKey: HMAC_KEY,
    });
    expect(library.skippedActive).toEqual([]);
    expect(library.counts['onboarding-jobs']).toBe(1);

    expect(await keysHolding(redis, needles())).toEqual([]);

    for (const id of [created, deadLettered, replayed]) {
      const timeline = await http.request(`/v1/customers/${id}`);
      expect(((await timeline.json()) as { state: string }).state).toBe('erased');
    }
  });

  it('left one audit entry per erasure: a keyed hash, the time, the counts and who asked, never the id', async () => {
    const audit = await readErasureAudit(pipeline.connection, pipeline.prefix);
    expect(audit.map((entry) => entry.who)).toEqual([
      'test-suite',
      expect.stringMatching(/^cli:.+/),
      'operator#1',
    ]);
    for (const entry of audit) {
      expect(entry.subject).toMatch(/^[0-9a-f]{64}$/);
      expect(Date.parse(entry.at)).not.toBeNaN();
      expect(entry.counts['dead-letters']).toBeGreaterThanOrEqual(0);
    }
    expect(new Set(audit.map((e) => e.subject)).size).toBe(3);
    const text = JSON.stringify(audit);
    for (const needle of needles()) expect(text).not.toContain(needle);
  });
});
