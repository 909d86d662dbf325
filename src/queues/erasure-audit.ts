import { createHmac, randomBytes } from 'node:crypto';
import type { RedisClient } from './connection';
import { installationValue } from './installation-value';

/** One erasure as the audit stream keeps it: a keyed hash of the business id, never the id. */
export interface ErasureAuditEntry {
  /** The stream entry id. */
  id: string;
  /** HMAC-SHA256 of the business id under the erasure key, hex. */
  subject: string;
  at: string;
  /** Who asked: a token label (`operator#1`) or `cli:<os user>`. */
  who: string;
  /** What was removed, by kind. */
  counts: Record<string, number>;
}

/** Keys of the erasure audit under a prefix. */
export function erasureAuditKeys(prefix: string) {
  return {
    audit: `${prefix}:erasure-audit`,
    /** The installation's generated HMAC key, used only when ERASURE_HMAC_KEY is not set. */
    generatedKey: `${prefix}:installation:erasure-hmac-key`,
    /** When a customer was erased, keyed by the hash: lets the timeline answer "erased". */
    erasedMarker: (subject: string) => `${prefix}:customer-erased:${subject}`,
  };
}

/** Hashes business ids for the audit; the key comes from ERASURE_HMAC_KEY, else one kept in Redis. */
export interface BusinessIdHasher {
  hash(businessId: string): Promise<string>;
}

/**
 * Creates the hasher. With no configured key, a random 32-byte key is created once per
 * installation in Redis (SET NX, first writer wins) so every process agrees; that is weaker than a
 * key kept outside Redis (whoever reads Redis reads the key too), which docs/privacy.md says.
 */
export function createBusinessIdHasher(
  redis: RedisClient,
  prefix: string,
  configuredKey?: string,
): BusinessIdHasher {
  const key = installationValue(
    redis,
    erasureAuditKeys(prefix).generatedKey,
    () => randomBytes(32).toString('hex'),
    'the erasure HMAC key',
    configuredKey,
  );
  return {
    async hash(businessId) {
      return createHmac('sha256', await key())
        .update(businessId)
        .digest('hex');
    },
  };
}

/** Appends one erasure to `<prefix>:erasure-audit`; returns the entry's id. */
export async function writeErasureAudit(
  redis: RedisClient,
  prefix: string,
  entry: Omit<ErasureAuditEntry, 'id'>,
): Promise<string> {
  const id = await redis.xadd(
    erasureAuditKeys(prefix).audit,
    '*',
    'subject',
    entry.subject,
    'at',
    entry.at,
    'who',
    entry.who,
    'counts',
    JSON.stringify(entry.counts),
  );
  return id as string;
}

/** The latest erasures, newest first. */
export async function readErasureAudit(
  redis: RedisClient,
  prefix: string,
  count = 100,
): Promise<ErasureAuditEntry[]> {
  const entries = await redis.xrevrange(erasureAuditKeys(prefix).audit, '+', '-', 'COUNT', count);
  return entries.map(([id, fields]) => {
    const f: Record<string, string> = {};
    for (let i = 0; i + 1 < fields.length; i += 2) f[fields[i] as string] = fields[i + 1] as string;
    return {
      id,
      subject: f.subject ?? '',
      at: f.at ?? '',
      who: f.who ?? '',
      counts: JSON.parse(f.counts ?? '{}') as Record<string, number>,
    };
  });
}
