import { businessIds, minimalPayload } from '../../support/payloads';
import { openBridgeCoreFixture } from '../../support/bridge-core-fixture';

describe('bridge core batching', () => {
  const batches: number[] = [];
  // The real producer, counting how many records each call stores.
  const fixture = openBridgeCoreFixture('batching', { bridge: 'nats' }, (real) => ({
    ...real,
    enqueueMany(items) {
      batches.push(items.length);
      return real.enqueueMany(items);
    },
  }));
  const { core, onboarding, deadLetterQueue } = fixture;

  afterAll(() => fixture.close());

  it('stores messages delivered together in one call; an invalid one and a repeat are sorted out, alone', async () => {
    const ids = businessIds(6, 3_300_000);
    const body = (payload: unknown) => Buffer.from(JSON.stringify(payload));
    const outcomes = await Promise.all([
      core.handle(body(minimalPayload(ids[0] as string)), 'b-0'),
      core.handle(body(minimalPayload(ids[1] as string)), 'b-1'),
      core.handle(
        body({ customer_info: { business_id: '1234567-8' }, contact_person: { email: 'x@example.com' } }),
        'b-bad',
      ),
      core.handle(body(minimalPayload(ids[2] as string)), 'b-2'),
      core.handle(body(minimalPayload(ids[0] as string)), 'b-0'), // the broker redelivered b-0
      core.handle(body(minimalPayload(ids[3] as string)), 'b-3'),
    ]);
    expect(outcomes).toEqual(['stored', 'stored', 'invalid', 'stored', 'duplicate', 'stored']);
    expect(batches[0]).toBe(6); // one call for everything delivered in the same tick
    const jobs = await onboarding.getJobs(['waiting']);
    expect(jobs.map((j) => j.id).sort()).toEqual(['evt-b-0', 'evt-b-1', 'evt-b-2', 'evt-b-3']);
    const [record] = await deadLetterQueue.getJobs(['waiting']);
    expect(record?.data).toMatchObject({ eventId: 'b-bad', reason: { code: 'PAYLOAD_INVALID' } });
  });
});
