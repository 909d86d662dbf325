import type { OnboardingProducer } from '../../../src/queues/onboarding-producer';
import { businessIds, minimalPayload } from '../../support/payloads';
import { openBridgeCoreFixture } from '../../support/bridge-core-fixture';

/**
 * The real producer, recording how many records each call stores; `holdNext()` makes the next call
 * wait, in flight, until the returned function is called.
 */
function countingProducer() {
  const batches: number[] = [];
  let held: Promise<void> | undefined;
  const wrap = (real: OnboardingProducer): OnboardingProducer => ({
    ...real,
    async enqueueMany(items) {
      batches.push(items.length);
      const gate = held;
      held = undefined;
      if (gate) await gate;
      return real.enqueueMany(items);
    },
  });
  const holdNext = () => {
    let release: () => void = () => undefined;
    held = new Promise<void>((resolve) => (release = resolve));
    return release;
  };
  return { batches, wrap, holdNext };
}
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));
const bodies = (count: number, start: number) =>
  businessIds(count, start).map((id) => Buffer.from(JSON.stringify(minimalPayload(id))));

describe('bridge core batching', () => {
  const { batches, wrap, holdNext } = countingProducer();
  const fixture = openBridgeCoreFixture('batching', { bridge: 'nats' }, wrap);
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

  it('holds a partial batch while one is in flight, so messages arriving meanwhile go out together', async () => {
    batches.length = 0;
    const release = holdNext();
    const body = bodies(5, 3_400_000);
    try {
      const first = core.handle(body[0] as Buffer, 'g-0');
      await nextTurn(); // the first message's batch is now in flight, held
      // Each of the next messages arrives on its own turn of the event loop, as broker reads do.
      const later: Promise<unknown>[] = [];
      for (let i = 1; i < 5; i++) {
        later.push(core.handle(body[i] as Buffer, `g-${i}`));
        await nextTurn();
      }
      expect(batches).toEqual([1]);
      release();
      expect(await Promise.all([first, ...later])).toEqual(Array(5).fill('stored'));
      expect(batches).toEqual([1, 4]);
    } finally {
      release();
    }
    const stored = await Promise.all(body.map((_body, i) => onboarding.getJob(`evt-g-${i}`)));
    expect(stored.every((job) => job !== undefined)).toBe(true);
  });
});

describe('bridge core group commit with full batches', () => {
  const { batches, wrap, holdNext } = countingProducer();
  const fixture = openBridgeCoreFixture('batching-full', { bridge: 'amqp', maxBatch: 2 }, wrap);
  const { core, onboarding } = fixture;

  afterAll(() => fixture.close());

  it('sends a full batch while another is in flight, and holds the partial one behind it', async () => {
    const release = holdNext();
    const body = bodies(4, 3_500_000);
    try {
      const handled: Promise<unknown>[] = [core.handle(body[0] as Buffer, 'f-0')];
      await nextTurn(); // [f-0] is in flight, held
      for (let i = 1; i < 4; i++) {
        handled.push(core.handle(body[i] as Buffer, `f-${i}`));
        await nextTurn();
      }
      // f-1 and f-2 filled a batch, which went out beside the held one; f-3 waits for both to finish.
      expect(batches).toEqual([1, 2]);
      release();
      expect(await Promise.all(handled)).toEqual(Array(4).fill('stored'));
      expect(batches).toEqual([1, 2, 1]);
    } finally {
      release();
    }
    expect(await onboarding.getJobCountByTypes('waiting')).toBe(4);
  });
});
