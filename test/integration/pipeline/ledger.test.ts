import { createRedisConnection, type RedisClient } from '../../../src/queues/connection';
import { createLedger, type OnboardingLedger } from '../../../src/queues/onboarding-ledger';
import { testPrefix, testRedisUrl } from '../../support/redis';

describe('the idempotency ledger (real Redis)', () => {
  let redis: RedisClient;
  let ledger: OnboardingLedger;
  const at = new Date(0).toISOString();

  beforeAll(() => {
    redis = createRedisConnection(testRedisUrl(), 'producer');
  });
  beforeEach(() => {
    ledger = createLedger(redis, testPrefix('ledger'), 'target-a');
  });
  afterAll(async () => {
    await redis.quit();
  });

  it('gives a business id to one job at a time; the same job may claim again after a crash', async () => {
    expect(await ledger.claim('1234567-1', 'job-a')).toEqual({ kind: 'claimed' });
    expect(await ledger.claim('1234567-1', 'job-b')).toEqual({ kind: 'busy', holder: 'job-a' });
    expect(await ledger.claim('1234567-1', 'job-a')).toEqual({ kind: 'claimed' });
  });

  it('lets another job take over a claim whose holder is gone', async () => {
    await ledger.claim('1234567-1', 'job-a');
    expect(await ledger.claim('1234567-1', 'job-b', { takeOverFrom: 'job-a' })).toEqual({ kind: 'claimed' });
    expect(await ledger.get('1234567-1')).toMatchObject({ state: 'inflight', jobId: 'job-b' });
  });

  it('lets a claim lapse, so a vanished worker never blocks a customer forever', async () => {
    ledger = createLedger(redis, testPrefix('ledger'), 'target-a', { inflightTtlMs: 200 });
    await ledger.claim('1234567-1', 'job-a');
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect(await ledger.claim('1234567-1', 'job-b')).toEqual({ kind: 'claimed' });
  });

  it('keeps the first settled outcome; later claims see it instead of calling Ropo One again', async () => {
    await ledger.claim('1234567-1', 'job-a');
    const first = await ledger.settle('1234567-1', {
      state: 'created',
      jobId: 'job-a',
      customerId: '42',
      at,
    });
    const second = await ledger.settle('1234567-1', { state: 'exists', jobId: 'job-b', at });
    expect(first).toEqual({ state: 'created', jobId: 'job-a', customerId: '42', at });
    expect(second).toEqual(first);
    expect(await ledger.claim('1234567-1', 'job-c')).toEqual({ kind: 'settled', entry: first });
  });

  it('release drops only the releasing job’s claim and never a settled entry', async () => {
    await ledger.claim('1234567-1', 'job-a');
    await ledger.release('1234567-1', 'job-b');
    expect(await ledger.get('1234567-1')).toMatchObject({ jobId: 'job-a' });
    await ledger.release('1234567-1', 'job-a');
    expect(await ledger.get('1234567-1')).toBeNull();

    await ledger.settle('1234567-1', { state: 'exists', jobId: 'job-a', at });
    await ledger.release('1234567-1', 'job-a');
    expect(await ledger.get('1234567-1')).toMatchObject({ state: 'exists' });
  });

  it('settled entries do not expire', async () => {
    ledger = createLedger(redis, testPrefix('ledger'), 'target-a', { inflightTtlMs: 200 });
    await ledger.claim('1234567-1', 'job-a');
    await ledger.settle('1234567-1', { state: 'pending', jobId: 'job-a', uuid: 'u', wizardUrl: 'w', at });
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect(await ledger.get('1234567-1')).toMatchObject({ state: 'pending' });
  });
});
