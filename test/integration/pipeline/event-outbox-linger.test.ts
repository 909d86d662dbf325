import { Queue } from 'bullmq';
import { buildEvent, EVENT_TYPES } from '../../../src/contracts/events';
import { createRedisConnection, type RedisClient } from '../../../src/queues/connection';
import { createEventOutbox, outboxKey, type EventOutbox } from '../../../src/queues/event-outbox';
import { QUEUE_NAMES } from '../../../src/queues/queue-names';
import { testPrefix, testRedisUrl } from '../../support/redis';

// The relay lets a batch fill for a moment (each addBulk has a fixed cost), but never holds an event
// back from a flush, and never waits once a batch is full.
describe('the outbox relay batches what is written within its linger', () => {
  let connection: RedisClient;

  beforeAll(() => {
    connection = createRedisConnection(testRedisUrl(), 'producer');
  });
  afterAll(async () => {
    await connection.quit();
  });

  async function setUp(options: { lingerMs: number; batchSize?: number }) {
    const prefix = testPrefix('linger');
    const relay = createEventOutbox(connection, prefix, options);
    const eventsQueue = new Queue(QUEUE_NAMES.events, { connection, prefix });
    const addBulk = jest.spyOn(Queue.prototype, 'addBulk');
    let n = 0;
    /** Writes one entry as the settle script does, and tells the relay. */
    const write = async () => {
      n += 1;
      const event = buildEvent(EVENT_TYPES.created, { jobId: `job-${n}`, businessId: '1234567-1' });
      const streamId = (await connection.xadd(
        outboxKey(prefix),
        '*',
        'event',
        JSON.stringify(event),
      )) as string;
      relay.written({ streamId, event });
    };
    /** Batches the relay sent to onboarding-events (this test's queue only), by size. */
    const batches = () =>
      addBulk.mock.contexts
        .map((queue, i) => [queue, addBulk.mock.calls[i]?.[0].length ?? 0] as const)
        .filter(([queue]) => (queue as Queue).opts.prefix === prefix)
        .map(([, size]) => size);
    const close = async (r: EventOutbox) => {
      addBulk.mockRestore();
      await r.close();
      await eventsQueue.obliterate({ force: true });
      await eventsQueue.close();
    };
    return { prefix, relay, eventsQueue, write, batches, close };
  }

  async function waitFor(check: () => Promise<boolean>, withinMs: number): Promise<number> {
    const started = Date.now();
    while (!(await check())) {
      if (Date.now() - started > withinMs) throw new Error(`not within ${withinMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    return Date.now() - started;
  }

  it('moves entries written within the linger in one addBulk, and deletes them from the outbox', async () => {
    const { prefix, relay, eventsQueue, write, batches, close } = await setUp({ lingerMs: 300 });
    try {
      await write();
      await write();
      await write();
      await waitFor(async () => (await eventsQueue.count()) === 3, 10_000);
      expect(batches()).toEqual([3]);
      expect(await connection.xlen(outboxKey(prefix))).toBe(0);
    } finally {
      await close(relay);
    }
  });

  it('a flush moves what waits at once, however long the linger', async () => {
    const { relay, eventsQueue, write, batches, close } = await setUp({ lingerMs: 60_000 });
    try {
      await write();
      await write();
      await relay.flush();
      expect(await eventsQueue.count()).toBe(2);
      expect(batches()).toEqual([2]);
    } finally {
      await close(relay);
    }
  });

  it('a full batch goes without waiting for the linger', async () => {
    const { relay, eventsQueue, write, batches, close } = await setUp({ lingerMs: 60_000, batchSize: 2 });
    try {
      await write();
      await write();
      await write();
      await waitFor(async () => (await eventsQueue.count()) === 2, 10_000);
      expect(batches()).toEqual([2]);
      // The third is still lingering, until a flush (close) takes it.
      await relay.flush();
      expect(await eventsQueue.count()).toBe(3);
      expect(batches()).toEqual([2, 1]);
    } finally {
      await close(relay);
    }
  });
});
