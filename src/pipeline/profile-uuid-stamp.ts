import { withProfileUuid } from '../contracts/profile-uuid';
import type { ClaimRecord } from '../queues/onboarding-ledger';
import type { ProfileUuidIndex } from '../queues/profile-uuids';
import type { RopoClient } from '../ropo/ropo-client';

/**
 * Wraps a Ropo client so that every createprofile body carries `additional_information.profile_uuid`
 * (the producer's own, else one derived from the business id) and the index knows which business id
 * it was sent for before the call goes out: Ropo echoes it as `external-id` on activation.
 */
export function stampProfileUuids(ropo: RopoClient, index: ProfileUuidIndex): RopoClient {
  return {
    async createProfile(body, options) {
      const businessId = (body.customer_info as { business_id?: unknown } | undefined)?.business_id;
      if (typeof businessId !== 'string') return ropo.createProfile(body, options);
      const stamped = withProfileUuid(body, businessId, await index.namespace());
      await index.record(stamped.profileUuid, businessId);
      return ropo.createProfile(stamped.body, options);
    },
    close: () => ropo.close(),
  };
}

/** Stamps a createprofile body before the ledger claim, which records the uuid in the same round trip. */
export interface ProfileUuidStamp {
  /** The body with its profile_uuid, and what the claim must record for it. */
  stamp(
    body: Record<string, unknown>,
    businessId: string,
  ): Promise<{ body: Record<string, unknown>; record: ClaimRecord }>;
}

/**
 * The same stamping as {@link stampProfileUuids}, but recorded by the ledger's claim script instead of
 * two more commands before the call: one round trip less per job. The claim records only when it
 * succeeds, that is exactly when the call will go out.
 */
export function createProfileUuidStamp(index: ProfileUuidIndex): ProfileUuidStamp {
  return {
    async stamp(body, businessId) {
      const stamped = withProfileUuid(body, businessId, await index.namespace());
      return {
        body: stamped.body,
        record: { keys: index.recordKeys(stamped.profileUuid, businessId), profileUuid: stamped.profileUuid },
      };
    },
  };
}
