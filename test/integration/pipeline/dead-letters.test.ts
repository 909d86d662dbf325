import { EVENT_TYPES } from '../../../src/contracts/events';
import { onboardingJobId } from '../../../src/contracts/onboarding-job';
import { JOB_NAMES } from '../../../src/queues/queue-names';
import { startTestPipeline, type TestPipeline } from '../../support/pipeline-harness';
import { businessIds, minimalPayload } from '../../support/payloads';

describe('terminal failures end as exactly one dead letter and one dead_lettered event', () => {
  let pipeline: TestPipeline;

  afterEach(async () => {
    await pipeline.close();
  });

  async function addRaw(payload: unknown): Promise<string> {
    const jobId = onboardingJobId(payload);
    await pipeline.onboarding.add(
      JOB_NAMES.onboardCustomer,
      { payload, receivedAt: new Date().toISOString(), deliveryId: jobId },
      { jobId, attempts: pipeline.config.retry.attempts, backoff: { type: 'ropo-jittered' } },
    );
    return jobId;
  }

  it('a permanent rejection by Ropo One (400) is dead-lettered at once with its status', async () => {
    pipeline = await startTestPipeline({ sandbox: { faults: { sequence: [{ status: 400 }] } } });
    const [businessId] = businessIds(1) as [string];
    const { jobId } = await pipeline.producer.enqueue(minimalPayload(businessId));
    // The failed job is removed once recorded: the record is the one place holding the payload.
    await pipeline.waitForDeadLetter(jobId);
    expect(await pipeline.onboarding.getJobState(jobId)).toBe('unknown');
    const records = await pipeline.deadLetters();
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({
      jobId,
      businessId,
      reason: { code: 'ROPO_REJECTED', httpStatus: 400 },
      lineage: { originalJobId: jobId, replayCount: 0 },
    });
    expect(records[0]?.attempts).toHaveLength(1);
    const events = await pipeline.events();
    expect(events.map((e) => [e.type, e.subject])).toEqual([[EVENT_TYPES.deadLettered, businessId]]);
    expect(pipeline.sandbox.stats().createProfileCalls).toBe(1);
  });

  it('invalid payloads are dead-lettered without a single call to Ropo One', async () => {
    pipeline = await startTestPipeline();
    const payloads = [
      minimalPayload('1234567-8'),
      { customer_info: { business_id: businessIds(1)[0] }, contact_person: { email: 'no-at-sign' } },
      { customer_info: { busines_id: businessIds(1)[0] }, contact_person: { email: 'a@example.com' } },
    ];
    const jobIds = await Promise.all(payloads.map(addRaw));
    await pipeline.waitForAll(jobIds);

    const records = await pipeline.deadLetters();
    expect(records.map((r) => r.jobId).sort()).toEqual([...jobIds].sort());
    expect(records.every((r) => r.reason.code === 'PAYLOAD_INVALID')).toBe(true);
    const byJob = Object.fromEntries(records.map((r) => [r.jobId, r.reason.errors?.map((e) => e.path)]));
    expect(byJob[jobIds[0] as string]).toContain('customer_info.business_id');
    expect(byJob[jobIds[1] as string]).toContain('contact_person.email');
    expect(byJob[jobIds[2] as string]).toContain('customer_info.busines_id');
    const deadLettered = (await pipeline.events()).filter((e) => e.type === EVENT_TYPES.deadLettered);
    expect(deadLettered).toHaveLength(3);
    expect(pipeline.sandbox.stats().createProfileCalls).toBe(0);
    expect(pipeline.sandbox.stats().tokenCalls).toBe(0);
  });

  it('transient failures spend the attempts, then dead-letter ATTEMPTS_EXHAUSTED with every attempt listed', async () => {
    pipeline = await startTestPipeline({
      env: { JOB_ATTEMPTS: '3', BREAKER_THRESHOLD: '100' },
      sandbox: { faults: { errorRates: { '500': 1 } } },
    });
    const [businessId] = businessIds(1) as [string];
    const { jobId } = await pipeline.producer.enqueue(minimalPayload(businessId));
    await pipeline.waitForDeadLetter(jobId);
    const [record, ...rest] = await pipeline.deadLetters();
    expect(rest).toHaveLength(0);
    expect(record?.reason).toMatchObject({
      code: 'ATTEMPTS_EXHAUSTED',
      lastErrorCode: 'ROPO_UNAVAILABLE',
      httpStatus: 500,
    });
    expect(record?.attempts.map((a) => a.attempt)).toEqual([1, 2, 3]);
    expect(record?.attempts.every((a) => a.code === 'ROPO_UNAVAILABLE')).toBe(true);
    expect((await pipeline.events()).filter((e) => e.type === EVENT_TYPES.deadLettered)).toHaveLength(1);
    // 500 is an unknown outcome: never repeated in-process, so one call per attempt.
    expect(pipeline.sandbox.stats().createProfileCalls).toBe(3);
  });

  it('a job BullMQ fails for stalling too often (its workers died holding it) still gets its dead letter', async () => {
    pipeline = await startTestPipeline();
    await pipeline.worker.worker.pause();
    const [businessId] = businessIds(1, 8_800_000) as [string];
    const { jobId } = await pipeline.producer.enqueue(minimalPayload(businessId));
    // What BullMQ's stalled-job check writes when a job exceeded MAX_STALLED_COUNT.
    await pipeline.connection.hset(
      pipeline.onboarding.toKey(jobId),
      'defa',
      'job stalled more than allowable limit',
    );
    pipeline.worker.worker.resume();

    await pipeline.waitForDeadLetter(jobId);
    const [record] = await pipeline.deadLetters();
    expect(record).toMatchObject({ jobId, businessId, reason: { code: 'JOB_STALLED' } });
    const events = await pipeline.events();
    expect(events.filter((e) => e.type === EVENT_TYPES.deadLettered)).toHaveLength(1);
    expect(pipeline.sandbox.stats().createProfileCalls).toBe(0);
  });
});
