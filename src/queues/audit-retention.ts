import type { Retention } from '../config';
import type { RedisClient } from './connection';
import { credentialKeys } from './credential-store';
import { erasureAuditKeys } from './erasure-audit';

/** The audit streams AUDIT_RETENTION applies to: credential reads and re-seals, and erasures. */
export function auditStreamKeys(prefix: string): string[] {
  return [credentialKeys(prefix).audit, erasureAuditKeys(prefix).audit];
}

/**
 * Drops audit entries older than the retention's age (and the oldest over its count), exactly:
 * stream ids start with their millisecond timestamp, so MINID cuts at the age without reading
 * entries. Without this the streams grow for as long as the installation lives, in Redis memory.
 * Returns how many entries went.
 */
export async function trimAuditStreams(
  redis: RedisClient,
  prefix: string,
  retention: Retention,
): Promise<number> {
  const minId = `${Math.max(0, Date.now() - retention.ageMs)}-0`;
  let removed = 0;
  for (const key of auditStreamKeys(prefix)) {
    removed += await redis.xtrim(key, 'MINID', minId);
    if (retention.count !== undefined) removed += await redis.xtrim(key, 'MAXLEN', retention.count);
  }
  return removed;
}
