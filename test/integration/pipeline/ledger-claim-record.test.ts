import { createRedisConnection, type RedisClient } from '../../../src/queues/connection';
import { createLedger } from '../../../src/queues/onboarding-ledger';
import { createProfileUuidIndex } from '../../../src/queues/profile-uuids';
import { testPrefix, testRedisUrl } from '../../support/redis';

// The claim that lets a job call Ropo One also records which business id its profile_uuid belongs to
// (one round trip instead of three); a claim that does not let the job call records nothing.
describe('the ledger claim records the profile_uuid of the call it allows', () => {
  let redis: RedisClient;

  beforeAll(() => {
    redis = createRedisConnection(testRedisUrl(), 'producer');
  });
  afterAll(async () => {
    await redis.quit();
  });

  it('records on a successful claim, and not when another job holds the business id', async () => {
    const prefix = testPrefix('claim-record');
    const ledger = createLedger(redis, prefix, 'sandbox');
    const index = createProfileUuidIndex(redis, prefix);
    const uuidA = '0b6e7c3a-1d2f-4c5b-8a9e-000000000001';
    const uuidB = '0b6e7c3a-1d2f-4c5b-8a9e-000000000002';
    const record = (uuid: string) => ({ keys: index.recordKeys(uuid, '1234567-1'), profileUuid: uuid });

    expect(await ledger.claim('1234567-1', 'job-a', { record: record(uuidA) })).toEqual({ kind: 'claimed' });
    expect(await index.businessIdOf(uuidA)).toBe('1234567-1');

    expect(await ledger.claim('1234567-1', 'job-b', { record: record(uuidB) })).toEqual({
      kind: 'busy',
      holder: 'job-a',
    });
    expect(await index.businessIdOf(uuidB)).toBeUndefined();

    // Erasure still finds what the claim recorded.
    expect(await index.removeFor('1234567-1')).toBe(1);
    expect(await index.businessIdOf(uuidA)).toBeUndefined();
  });
});
