import { withProfileUuid } from '../contracts/profile-uuid';
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
