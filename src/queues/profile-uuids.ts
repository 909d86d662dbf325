import { newProfileUuidNamespace } from '../contracts/profile-uuid';
import type { RedisClient } from './connection';
import { installationValue } from './installation-value';
import { luaScript } from './redis-script';

// Both writes in one round trip: the record sits on the path of every createprofile call.
const RECORD = luaScript(__dirname, 'profile-uuid-record');

/**
 * Which business id each profile_uuid was sent for, so that Ropo's `external-id` can be matched
 * back even when the producer chose the UUID; and the installation's namespace for derived ones.
 */
export interface ProfileUuidIndex {
  /** PROFILE_UUID_NAMESPACE when configured, else the one kept in Redis (created once, first caller wins). */
  namespace(): Promise<string>;
  record(profileUuid: string, businessId: string): Promise<void>;
  /** The keys {@link record} writes, for a script that records in the same trip (the ledger's claim). */
  recordKeys(profileUuid: string, businessId: string): [string, string];
  businessIdOf(profileUuid: string): Promise<string | undefined>;
  /** The UUIDs recorded for the business id. */
  findFor(businessId: string): Promise<string[]>;
  /** Removes every UUID recorded for the business id (erasure). */
  removeFor(businessId: string): Promise<number>;
}

/** Keys of the index under a prefix. */
export function profileUuidKeys(prefix: string) {
  return {
    namespace: `${prefix}:installation:profile-uuid-namespace`,
    uuid: (profileUuid: string) => `${prefix}:profile-uuid:${profileUuid}`,
    byBusinessId: (businessId: string) => `${prefix}:profile-uuids-of:${businessId}`,
  };
}

/** Creates the index; `configured` is PROFILE_UUID_NAMESPACE. */
export function createProfileUuidIndex(
  redis: RedisClient,
  prefix: string,
  configured?: string,
): ProfileUuidIndex {
  const k = profileUuidKeys(prefix);
  // Every worker of the installation agrees on the first one written, and keeps it.
  const namespace = installationValue(
    redis,
    k.namespace,
    newProfileUuidNamespace,
    'the profile_uuid namespace',
    configured,
  );
  return {
    namespace,
    async record(profileUuid, businessId) {
      await RECORD(redis, [k.uuid(profileUuid), k.byBusinessId(businessId)], [profileUuid, businessId]);
    },
    recordKeys(profileUuid, businessId) {
      return [k.uuid(profileUuid), k.byBusinessId(businessId)];
    },
    async businessIdOf(profileUuid) {
      return (await redis.get(k.uuid(profileUuid))) ?? undefined;
    },
    async findFor(businessId) {
      return redis.smembers(k.byBusinessId(businessId));
    },
    async removeFor(businessId) {
      const uuids = await redis.smembers(k.byBusinessId(businessId));
      for (const uuid of uuids) await redis.del(k.uuid(uuid));
      await redis.del(k.byBusinessId(businessId));
      return uuids.length;
    },
  };
}
