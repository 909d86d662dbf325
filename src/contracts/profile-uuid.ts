import { createHash, randomUUID } from 'node:crypto';

const UUID_TEXT = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True for the 8-4-4-4-12 hex layout (any version); enough to use a string as a v5 namespace. */
export function isUuidText(value: string): boolean {
  return UUID_TEXT.test(value);
}

/** RFC 9562 UUID version 5 (SHA-1, name-based) of `name` in `namespace`; deterministic. */
export function uuidV5(name: string, namespace: string): string {
  if (!isUuidText(namespace)) throw new TypeError('the namespace must be a UUID');
  const bytes = createHash('sha1')
    .update(Buffer.from(namespace.replace(/-/g, ''), 'hex'))
    .update(name, 'utf8')
    .digest()
    .subarray(0, 16);
  bytes[6] = ((bytes[6] as number) & 0x0f) | 0x50;
  bytes[8] = ((bytes[8] as number) & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * The `profile_uuid` this service sends for a customer whose producer gave none: a UUID v5 of the
 * business id in the installation's namespace, so every worker (and every retry) sends the same one
 * and Ropo's `external-id` can be matched back without a lookup.
 */
export function derivedProfileUuid(businessId: string, namespace: string): string {
  return uuidV5(businessId.trim().toUpperCase(), namespace);
}

/** A fresh namespace for a new installation (random UUID v4). */
export function newProfileUuidNamespace(): string {
  return randomUUID();
}

/** The profile_uuid a createprofile body carries, if any (lower-cased as the validator normalises it). */
export function profileUuidOf(body: Record<string, unknown>): string | undefined {
  const info = body.additional_information as { profile_uuid?: unknown } | undefined;
  return typeof info?.profile_uuid === 'string' && info.profile_uuid !== ''
    ? info.profile_uuid.toLowerCase()
    : undefined;
}

/**
 * The body with `additional_information.profile_uuid` filled in: the producer's own when given,
 * else {@link derivedProfileUuid}. Returns a copy; the input is not changed.
 */
export function withProfileUuid(
  body: Record<string, unknown>,
  businessId: string,
  namespace: string,
): { body: Record<string, unknown>; profileUuid: string; derived: boolean } {
  const own = profileUuidOf(body);
  if (own) return { body, profileUuid: own, derived: false };
  const profileUuid = derivedProfileUuid(businessId, namespace);
  const info = (body.additional_information as Record<string, unknown> | undefined) ?? {};
  return {
    body: { ...body, additional_information: { ...info, profile_uuid: profileUuid } },
    profileUuid,
    derived: true,
  };
}
