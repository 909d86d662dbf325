import { businessIds, minimalPayload } from '../../support/payloads';
import { openBridgeCoreFixture } from '../../support/bridge-core-fixture';

// An upstream may publish other events on the queue a bridge reads: only INTAKE_EVENT_TYPES onboard.
describe('bridge core and INTAKE_EVENT_TYPES', () => {
  const fixture = openBridgeCoreFixture('event-types', { eventTypes: ['onboarding.customer.requested'] });
  const { core, onboarding, deadLetterQueue, logLines } = fixture;

  afterAll(() => fixture.close());

  it('onboards a listed type and dead-letters another as EVENT_TYPE_UNKNOWN, keeping its payload and id', async () => {
    const [listed, other] = businessIds(2, 3_400_000) as [string, string];
    const event = (type: string, id: string, businessId: string) =>
      Buffer.from(
        JSON.stringify({ specversion: '1.0', id, source: 'crm', type, data: minimalPayload(businessId) }),
      );
    const outcomes = [
      await core.handle(event('onboarding.customer.requested', 'ce-1', listed)),
      await core.handle(event('customer.deleted', 'ce-2', other)),
    ];
    expect(outcomes).toEqual(['stored', 'invalid']);

    const jobs = await onboarding.getJobs(['waiting']);
    expect(jobs.map((job) => job.data.eventId)).toEqual(['crm|ce-1']);
    const records = await deadLetterQueue.getJobs(['waiting']);
    expect(records).toHaveLength(1);
    expect(records[0]?.data).toMatchObject({
      eventId: 'crm|ce-2',
      businessId: other,
      payload: minimalPayload(other),
      reason: { code: 'EVENT_TYPE_UNKNOWN', errors: [expect.objectContaining({ path: 'type' })] },
    });
    // A redelivery of the refused event makes no second record.
    expect(await core.handle(event('customer.deleted', 'ce-2', other))).toBe('invalid');
    expect(await deadLetterQueue.getJobs(['waiting'])).toHaveLength(1);

    const logged = logLines.join('');
    expect(logged).toContain('EVENT_TYPE_UNKNOWN');
    expect(logged).not.toContain('owner@example.com'); // the contact's email stays in the record only
  });
});
