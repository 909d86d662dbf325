import { EVENT_TYPES } from '../../../src/contracts/events';
import {
  createDeadLetterOperations,
  type DeadLetterOperations,
} from '../../../src/queues/dead-letter-operations';
import { startTestPipeline, type TestPipeline } from '../../support/pipeline-harness';
import { businessIds, completePayload, minimalPayload } from '../../support/payloads';

describe('replaying dead letters', () => {
  let pipeline: TestPipeline;
  let ops: DeadLetterOperations;

  beforeEach(async () => {
    pipeline = await startTestPipeline({ env: { JOB_ATTEMPTS: '2', BREAKER_THRESHOLD: '100' } });
    ops = createDeadLetterOperations(pipeline.connection, pipeline.prefix, {
      attempts: 2,
      ropoTarget: pipeline.config.ropo.target,
    });
  });

  afterEach(async () => {
    await ops.close();
    await pipeline.close();
  });

  it('a patched payload is re-validated, ends created, and the replayed event points at the original', async () => {
    const [businessId] = businessIds(1) as [string];
    // The producer would refuse this; a raw upstream did not.
    const payload = completePayload(businessId);
    payload.contact_person = { ...(payload.contact_person as object), email: 'owner(at)example.com' };
    const original = 'evt-crm-bad-email';
    await pipeline.onboarding.add(
      'onboard-customer',
      { payload, receivedAt: new Date().toISOString(), deliveryId: 'x', eventId: 'crm-bad-email' },
      { jobId: original, attempts: 2 },
    );
    await pipeline.waitForJob(original);
    const [listed] = (await ops.list({ code: 'PAYLOAD_INVALID' })).items;
    expect(listed).toMatchObject({ jobId: original, fields: ['contact_person.email'] });
    // The listing is for screens and logs: no payload in it.
    expect(JSON.stringify(listed)).not.toMatch(/example\.com|Meikäläinen|FI21/);

    const stillBad = await ops.replay(
      { ids: [listed!.id] },
      { patch: { contact_person: { email: 'still bad' } } },
    );
    expect(stillBad).toEqual([expect.objectContaining({ action: 'invalid' })]);
    expect((await ops.list()).total).toBe(1);

    const dry = await ops.replay(
      { ids: [listed!.id] },
      { patch: { contact_person: { email: 'owner@example.com' } }, dryRun: true },
    );
    expect(dry).toEqual([
      { id: listed!.id, action: 'would-replay', newJobId: `rp-${original}-1`, ledger: 'none' },
    ]);
    expect((await ops.list()).total).toBe(1);

    const [outcome] = await ops.replay(
      { ids: [listed!.id] },
      { patch: { contact_person: { email: 'owner@example.com' } } },
    );
    expect(outcome).toMatchObject({ action: 'replayed', newJobId: `rp-${original}-1` });
    const replayed = await pipeline.waitForJob(`rp-${original}-1`);
    expect(replayed.returnvalue).toMatchObject({ outcome: 'created', businessId });
    expect(replayed.data).toMatchObject({ replayOf: original, replayCount: 1 });
    expect((await ops.list()).total).toBe(0);

    const events = await pipeline.events();
    const replayedEvent = events.find((e) => e.type === EVENT_TYPES.replayed);
    expect(replayedEvent?.data).toMatchObject({ jobId: `rp-${original}-1`, replayOf: original, businessId });
    expect(events.filter((e) => e.type === EVENT_TYPES.created)).toHaveLength(1);
    expect(pipeline.sandbox.creations().find((c) => c.businessId === businessId)?.count).toBe(1);
  });

  it('replaying a record whose customer was created meanwhile makes no POST and reports exists', async () => {
    const [businessId] = businessIds(1, 3_000_000) as [string];
    pipeline.sandbox.setFaults({ errorRates: { '502': 1 } });
    const failed = await pipeline.producer.enqueue(minimalPayload(businessId), { eventId: 'first-try' });
    await pipeline.waitForJob(failed.jobId);
    const [record] = (await ops.list({ businessId })).items;
    expect(record?.code).toBe('ATTEMPTS_EXHAUSTED');

    pipeline.sandbox.setFaults({});
    const later = await pipeline.producer.enqueue(minimalPayload(businessId), { eventId: 'second-try' });
    expect((await pipeline.waitForJob(later.jobId)).returnvalue.outcome).toBe('pending');
    const callsBefore = pipeline.sandbox.stats().createProfileCalls;

    const [outcome] = await ops.replay({ ids: [record!.id] });
    expect(outcome).toMatchObject({ action: 'replayed', ledger: 'pending' });
    const replayed = await pipeline.waitForJob((outcome as { newJobId: string }).newJobId);
    expect(replayed.returnvalue).toMatchObject({ outcome: 'exists', businessId });
    expect(pipeline.sandbox.stats().createProfileCalls).toBe(callsBefore);
    expect(pipeline.sandbox.creations().find((c) => c.businessId === businessId)?.count).toBe(1);
  });

  it('purge with filters removes only what they select', async () => {
    const ids = businessIds(2, 4_000_000);
    for (const id of ids) {
      await pipeline.onboarding.add(
        'onboard-customer',
        { payload: minimalPayload(id, 'bad'), receivedAt: new Date().toISOString(), deliveryId: id },
        { jobId: `bad-${id.replace('-', '')}`, attempts: 1 },
      );
    }
    await pipeline.waitForAll(ids.map((id) => `bad-${id.replace('-', '')}`));
    expect((await ops.purge({ businessId: ids[0] }, { dryRun: true })).removed).toHaveLength(1);
    expect((await ops.list()).total).toBe(2);
    expect((await ops.purge({ businessId: ids[0] })).removed).toEqual([`dl-bad-${ids[0]!.replace('-', '')}`]);
    expect((await ops.list()).items.map((i) => i.businessId)).toEqual([ids[1]]);
  });
});
