import { Queue } from 'bullmq';
import { EVENT_TYPES, type OnboardingEvent } from '../../../src/contracts/events';
import { createRedisConnection } from '../../../src/queues/connection';
import { createEventOutbox, outboxKey, type EventOutbox } from '../../../src/queues/event-outbox';
import { createLedger, type OnboardingLedger } from '../../../src/queues/onboarding-ledger';
import { ALL_JOB_STATES } from '../../../src/queues/job-states';
import { QUEUE_NAMES } from '../../../src/queues/queue-names';
import { businessIds, completePayload } from '../../support/payloads';
import { startProcessorFixture } from '../../support/processor-fixture';
import { testPrefix, testRedisUrl } from '../../support/redis';

// The outcome and its event are recorded by one script (ledger + outbox); a relay moves the event to
// onboarding-events. What a user checks: never an outcome without its event, never an event twice.
describe('outcome events through the outbox', () => {
  it('a crash after the outcome is recorded, or in the relay, still ends with exactly one event', async () => {
    // This process "dies" after the settle script ran: its relay never hears of the entry.
    let plainLedger: OnboardingLedger | undefined;
    let crashes = 1;
    const fixture = await startProcessorFixture({
      name: 'outbox',
      ledger: (redis, fixturePrefix) => {
        const deadRelay: Pick<EventOutbox, 'key' | 'written'> = {
          key: outboxKey(fixturePrefix),
          written: () => undefined,
        };
        const ledger = createLedger(redis, fixturePrefix, 'sandbox', { outbox: deadRelay });
        plainLedger = ledger;
        return {
          ...ledger,
          async settleWithEvent(...args) {
            const settled = await ledger.settleWithEvent(...args);
            if (crashes-- > 0) throw new Error('simulated crash: process killed after the settle script');
            return settled;
          },
        };
      },
    });
    const { connection, prefix, processor, producer, sandbox, eventsQueue } = fixture;
    const relay = createEventOutbox(connection, prefix);
    const eventsOnQueue = async () =>
      (await eventsQueue.getJobs(ALL_JOB_STATES)).map((j) => j.data as OnboardingEvent);
    try {
      const [businessId] = businessIds(1, 7_100_000) as [string];
      const { jobId } = await producer.enqueue(completePayload(businessId));
      const job = await fixture.load(jobId);

      await expect(processor(job)).rejects.toThrow('simulated crash');
      // The outcome is recorded and its event waits in the outbox: neither without the other.
      expect(await (plainLedger as OnboardingLedger).get(businessId)).toMatchObject({
        state: 'created',
        jobId,
      });
      expect(await connection.xlen(outboxKey(prefix))).toBe(1);
      expect(await eventsOnQueue()).toEqual([]);

      // The job runs again (stalled-job check): no second POST; it publishes the same event id.
      const result = await processor(job);
      expect(result).toMatchObject({ outcome: 'created', businessId });
      expect(sandbox.stats().createProfileCalls).toBe(1);

      // Another worker's sweep moves the orphaned entry; the event id is the same, so one event stays.
      expect(await relay.sweep(0)).toBe(1);
      expect(await connection.xlen(outboxKey(prefix))).toBe(0);
      const after = await eventsOnQueue();
      expect(after.map((e) => [e.type, e.id])).toEqual([[EVENT_TYPES.created, result.eventId]]);

      // A relay that died between the add and the delete: the next run finds the job and keeps one.
      const [event] = after as [OnboardingEvent];
      await connection.xadd(outboxKey(prefix), '*', 'event', JSON.stringify(event));
      expect(await relay.sweep(0)).toBe(1);
      expect(await relay.sweep(0)).toBe(0);
      expect((await eventsOnQueue()).map((e) => e.id)).toEqual([result.eventId]);

      // An entry that holds no envelope is dropped, and does not hold back the ones behind it.
      await connection.xadd(outboxKey(prefix), '*', 'event', '{not json');
      await connection.xadd(outboxKey(prefix), '*', 'event', JSON.stringify(event));
      expect(await relay.sweep(0)).toBe(1);
      expect(await connection.xlen(outboxKey(prefix))).toBe(0);
    } finally {
      await relay.close();
      await fixture.close();
    }
  });

  it('the relay moves what this process wrote at once, many jobs in few batches', async () => {
    const prefix = testPrefix('outbox-batch');
    const connection = createRedisConnection(testRedisUrl(), 'worker');
    const relay = createEventOutbox(connection, prefix, { batchSize: 50 });
    const ledger = createLedger(connection, prefix, 'sandbox', { outbox: relay });
    const eventsQueue = new Queue(QUEUE_NAMES.events, { connection, prefix });
    try {
      const ids = businessIds(200, 7_200_000);
      const at = new Date(0).toISOString();
      const settled = await Promise.all(
        ids.map((businessId, i) =>
          ledger.settleWithEvent(
            businessId,
            { state: 'exists', jobId: `job-${i}`, at },
            {
              specversion: '1.0',
              id: `event-${i}`,
              source: '/ropo-onboarding',
              type: EVENT_TYPES.exists,
              time: at,
              subject: businessId,
              datacontenttype: 'application/json',
              data: { jobId: `job-${i}`, businessId },
            },
          ),
        ),
      );
      expect(settled.every((s) => s.queued)).toBe(true);
      await relay.flush();
      expect(await connection.xlen(outboxKey(prefix))).toBe(0);
      expect(await eventsQueue.count()).toBe(200);
      // Settling again keeps the first entry and writes no second event.
      const again = await ledger.settleWithEvent(
        ids[0] as string,
        { state: 'created', jobId: 'job-x', customerId: null, at },
        {
          specversion: '1.0',
          id: 'event-x',
          source: '/ropo-onboarding',
          type: EVENT_TYPES.created,
          time: at,
          subject: ids[0] as string,
          datacontenttype: 'application/json',
          data: { jobId: 'job-x', businessId: ids[0] as string },
        },
      );
      expect(again).toEqual({
        entry: { state: 'exists', jobId: 'job-0', at },
        queued: false,
        stripped: false,
      });
      expect(await connection.xlen(outboxKey(prefix))).toBe(0);
    } finally {
      await relay.close();
      await eventsQueue.obliterate({ force: true });
      await eventsQueue.close();
      await connection.quit();
    }
  });
});
