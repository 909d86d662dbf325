import { EVENT_TYPES } from '../../src/contracts/events';
import { onboardingJobId } from '../../src/contracts/onboarding-job';
import { JOB_NAMES } from '../../src/queues/queue-names';
import { examplePayload } from '../support/payloads';
import { startTestPipeline, type TestPipeline } from '../support/pipeline-harness';

const example = examplePayload as typeof examplePayload & {
  contact_person: { name: string; telephone: string };
  settlement_settings: { bank_account_number: string };
};

describe('one onboarding job end to end (real Redis, real HTTP to the sandbox)', () => {
  let pipeline: TestPipeline;

  beforeEach(async () => {
    pipeline = await startTestPipeline();
  });

  afterEach(async () => {
    await pipeline.close();
  });

  it('creates the customer once and publishes one onboarding.customer.created CloudEvent', async () => {
    const businessId = example.customer_info.business_id;
    const { jobId, created } = await pipeline.producer.enqueue(example, {
      eventId: 'crm-4711',
      source: 'test',
    });
    expect(created).toBe(true);

    const job = await pipeline.waitForJob(jobId);
    expect(await job.getState()).toBe('completed');
    expect(job.returnvalue).toMatchObject({ outcome: 'created', businessId });

    const creations = pipeline.sandbox.creations().filter((c) => c.businessId === businessId);
    expect(creations).toHaveLength(1);
    expect(creations[0]?.count).toBe(1);

    const events = await pipeline.events();
    expect(events).toHaveLength(1);
    const [event] = events;
    expect(event).toMatchObject({
      specversion: '1.0',
      type: EVENT_TYPES.created,
      subject: businessId,
      datacontenttype: 'application/json',
      data: { jobId, businessId },
    });
    expect(event?.id).toBe(job.returnvalue.eventId);
    expect(Date.parse(event?.time as string)).not.toBeNaN();
    // The event is for other systems: no contact data in it.
    expect(JSON.stringify(event)).not.toContain(example.contact_person.email);
    expect(await pipeline.deadLetters()).toHaveLength(0);

    // Operators read the logs; the payload's personal data and the credentials never appear there.
    const logs = pipeline.logText();
    expect(logs).toContain(businessId);
    const personal = [
      example.contact_person.email,
      example.contact_person.name,
      example.contact_person.telephone,
      example.settlement_settings.bank_account_number,
      'sandbox-apicode',
    ];
    for (const value of personal)
      expect({ value, inLogs: logs.includes(value as string) }).toEqual({ value, inLogs: false });
    expect(logs).not.toMatch(/eyJ[A-Za-z0-9_-]{5,}\./);
  });

  it('collapses a duplicate delivery of the same upstream event into one job', async () => {
    const first = await pipeline.producer.enqueue(example, { eventId: 'crm-dup' });
    const second = await pipeline.producer.enqueue(example, { eventId: 'crm-dup' });
    expect(second).toEqual({ jobId: first.jobId, created: false });
    await pipeline.waitForJob(first.jobId);
    expect(await pipeline.onboarding.getJobCountByTypes('completed', 'waiting', 'active', 'delayed')).toBe(1);
  });

  it('tells exactly one of many simultaneous deliveries that it created the job', async () => {
    const results = await Promise.all(
      Array.from({ length: 20 }, () => pipeline.producer.enqueue(example, { eventId: 'crm-race' })),
    );
    expect(new Set(results.map((r) => r.jobId))).toEqual(new Set(['evt-crm-race']));
    expect(results.filter((r) => r.created)).toHaveLength(1);
    await pipeline.waitForJob('evt-crm-race');
    expect(pipeline.sandbox.creations()).toHaveLength(1);
  });

  it('dead-letters an invalid payload with the field path in its reason and never calls Ropo', async () => {
    // A raw upstream producer that skipped validation: the worker is the last gate.
    const payload = {
      customer_info: { business_id: '1234567-8' },
      contact_person: { email: 'not-an-email' },
    };
    const jobId = onboardingJobId(payload);
    await pipeline.onboarding.add(
      JOB_NAMES.onboardCustomer,
      { payload, receivedAt: new Date().toISOString(), deliveryId: 'raw' },
      { jobId, attempts: 3 },
    );

    await pipeline.waitForDeadLetter(jobId);
    expect(await pipeline.onboarding.getJobState(jobId)).toBe('unknown');

    const [record, ...others] = await pipeline.deadLetters();
    expect(others).toHaveLength(0);
    expect(record?.reason.code).toBe('PAYLOAD_INVALID');
    const paths = record?.reason.errors?.map((e) => e.path);
    expect(paths).toEqual(expect.arrayContaining(['customer_info.business_id', 'contact_person.email']));
    expect(record?.payload).toEqual(payload);
    expect(record?.lineage).toEqual({ originalJobId: jobId, replayCount: 0 });

    const events = await pipeline.events();
    expect(events.map((e) => e.type)).toEqual([EVENT_TYPES.deadLettered]);
    expect(pipeline.sandbox.stats().createProfileCalls).toBe(0);
  });
});
