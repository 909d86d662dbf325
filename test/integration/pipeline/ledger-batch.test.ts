import { createRedisConnection, type RedisClient } from '../../../src/queues/connection';
import { createLedgerBatch, type LedgerOperation } from '../../../src/queues/ledger-batch';
import { createLedger, ledgerKey, type SettledEntry } from '../../../src/queues/onboarding-ledger';
import { testPrefix, testRedisUrl } from '../../support/redis';

// The ledger's claims and settles of one turn of the event loop go to Redis as one script call, in
// the order they were issued, with each caller getting the answer it would have got alone.
describe('the ledger batches the operations of one turn into one script call (real Redis)', () => {
  let redis: RedisClient;
  const at = new Date(0).toISOString();
  const created = (jobId: string): SettledEntry => ({ state: 'created', jobId, customerId: '42', at });

  beforeAll(() => {
    redis = createRedisConnection(testRedisUrl(), 'producer');
  });
  afterAll(async () => {
    await redis.quit();
  });

  /** Counts the script calls (EVALSHA, or EVAL after a NOSCRIPT) this client sends while `run` runs. */
  async function scriptCalls<T>(run: () => Promise<T>): Promise<{ result: T; calls: number }> {
    const spy = jest.spyOn(redis, 'sendCommand');
    try {
      const result = await run();
      const calls = spy.mock.calls.filter(([command]) => /^eval/i.test(command.name)).length;
      return { result, calls };
    } finally {
      spy.mockRestore();
    }
  }

  it('answers claims of one turn in issue order, as if each had run alone', async () => {
    const ledger = createLedger(redis, testPrefix('batch'), 'sandbox');
    await ledger.claim('7654321-0', 'warm-up'); // registers the target, outside the counted turn
    const { result, calls } = await scriptCalls(() =>
      Promise.all([
        ledger.claim('1234567-1', 'job-a'),
        ledger.claim('1234567-1', 'job-b'),
        ledger.claim('2345678-9', 'job-c'),
        ledger.claim('1234567-1', 'job-a'),
      ]),
    );
    expect(result).toEqual([
      { kind: 'claimed' },
      { kind: 'busy', holder: 'job-a' },
      { kind: 'claimed' },
      { kind: 'claimed' },
    ]);
    expect(calls).toBe(1);
  });

  it('runs a settle and the claims after it in one call, the claims seeing the settled entry', async () => {
    const prefix = testPrefix('batch');
    const ledger = createLedger(redis, prefix, 'sandbox');
    await ledger.claim('1234567-1', 'job-a');
    const { result, calls } = await scriptCalls(() =>
      Promise.all([
        ledger.settle('1234567-1', created('job-a')),
        ledger.claim('1234567-1', 'job-b'),
        ledger.claim('2345678-9', 'job-c'),
      ]),
    );
    expect(result).toEqual([
      created('job-a'),
      { kind: 'settled', entry: created('job-a') },
      { kind: 'claimed' },
    ]);
    expect(calls).toBe(1);
    expect(JSON.parse((await redis.get(ledgerKey(prefix, 'sandbox', '1234567-1'))) as string)).toEqual(
      created('job-a'),
    );
  });

  it('operations of later turns go in later calls', async () => {
    const ledger = createLedger(redis, testPrefix('batch'), 'sandbox');
    await ledger.claim('7654321-0', 'warm-up');
    const { calls } = await scriptCalls(async () => {
      await ledger.claim('1234567-1', 'job-a');
      await ledger.claim('2345678-9', 'job-b');
    });
    expect(calls).toBe(2);
  });

  it('splits a burst larger than maxOperations into calls of at most that many', async () => {
    const prefix = testPrefix('batch');
    const batch = createLedgerBatch(redis, { maxOperations: 4 });
    const claim = (i: number) =>
      batch.run(
        'claim',
        [ledgerKey(prefix, 'sandbox', `id-${i}`)],
        [`job-${i}`, `{"state":"inflight"}`, '', 60_000],
      );
    const { result, calls } = await scriptCalls(() =>
      Promise.all(Array.from({ length: 10 }, (_, i) => claim(i))),
    );
    expect(result).toEqual(Array.from({ length: 10 }, () => ['']));
    expect(calls).toBe(3);
  });

  it('fails every operation of a call that fails, and a malformed one changes nothing', async () => {
    const prefix = testPrefix('batch');
    const key = ledgerKey(prefix, 'sandbox', '1234567-1');
    const batch = createLedgerBatch(redis);
    const results = await Promise.allSettled([
      batch.run('claim', [key], ['job-a', `{"state":"inflight","jobId":"job-a"}`, '', 60_000]),
      batch.run('unknown' as LedgerOperation, [], []),
    ]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(String((results[0] as PromiseRejectedResult).reason)).toMatch(/ledger-batch: malformed operation/);
    expect(await redis.exists(key)).toBe(0);
  });

  it('an operation that fails in the script fails alone; the others in its call still run', async () => {
    const prefix = testPrefix('batch');
    const ledger = createLedger(redis, prefix, 'sandbox');
    await ledger.claim('7654321-0', 'warm-up'); // registers the target, outside the counted turn
    await redis.set(ledgerKey(prefix, 'sandbox', '9999999-9'), 'not json');
    const { result, calls } = await scriptCalls(() =>
      Promise.allSettled([
        ledger.claim('1234567-1', 'job-a'),
        ledger.claim('9999999-9', 'job-b'),
        ledger.settle('2345678-9', created('job-c')),
      ]),
    );
    expect(calls).toBe(1);
    expect(result.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((result[0] as PromiseFulfilledResult<unknown>).value).toEqual({ kind: 'claimed' });
    expect(String((result[1] as PromiseRejectedResult).reason)).toMatch(/ledger-batch: claim failed/);
    expect(await ledger.get('2345678-9')).toEqual(created('job-c'));
  });

  it('refuses a maxOperations that is not a positive integer', () => {
    for (const maxOperations of [0, -1, 1.5, Number.NaN]) {
      expect(() => createLedgerBatch(redis, { maxOperations })).toThrow(
        /maxOperations must be a positive integer/,
      );
    }
  });
});
