import { createHash, timingSafeEqual } from 'node:crypto';
import {
  credentialContext,
  openSecret,
  sealSecret,
  type CredentialKey,
  type SealedSecret,
} from '../contracts/credential-cipher';
import type { MatchedBy } from '../contracts/activation';
import type { RedisClient } from './connection';
import { luaScript } from './redis-script';

/** A customer's Ropo One credentials as stored: the apicode only ever sealed (AES-256-GCM). */
export interface CredentialRecord {
  businessId: string;
  cid: string;
  externalId: string | null;
  matched: boolean;
  matchedBy: MatchedBy;
  /** Why it did not match, when it did not. */
  reason?: string;
  apicode: SealedSecret;
  activatedAt: string;
  /** Set once `onboarding.customer.activated` was published, so a repeated delivery publishes nothing. */
  published: boolean;
}

/** What a {@link CredentialStore.put} did. */
export type PutResult =
  | { kind: 'stored'; record: CredentialRecord }
  | { kind: 'duplicate'; record: CredentialRecord }
  | { kind: 'conflict'; record: CredentialRecord };

/** One entry of the audit stream: who read or re-sealed which customer's credentials; never the secret. */
export interface CredentialAuditEntry {
  id: string;
  action: 'read' | 'rotate';
  who: string;
  businessId: string;
  at: string;
}

// Keeps the first credential: the same cid again is a duplicate, another cid a conflict.
const PUT = luaScript(__dirname, 'credential-put');

// Replaces a record only if nobody changed it since it was read (rotation, publish flag).
const SWAP = luaScript(__dirname, 'credential-swap');

/** Stores activated customers' credentials, sealed; the only code that sees an apicode in clear. */
export interface CredentialStore {
  /** Seals and stores the first credential of a customer; never overwrites one. */
  put(input: Omit<CredentialRecord, 'apicode' | 'published'> & { apicode: string }): Promise<PutResult>;
  get(businessId: string): Promise<CredentialRecord | null>;
  markPublished(businessId: string): Promise<void>;
  /** Whether `apicode` is the one sealed in `record` (constant time); false when it cannot be opened. */
  holds(record: CredentialRecord, apicode: string): boolean;
  /** Opens the apicode and writes `who` to the audit stream first: no read goes unrecorded. */
  reveal(businessId: string, who: string): Promise<{ record: CredentialRecord; apicode: string } | null>;
  /** Re-seals every record not under the first key; returns how many changed. */
  rotate(who: string): Promise<{ rotated: number; total: number }>;
  audit(count?: number): Promise<CredentialAuditEntry[]>;
  businessIds(): Promise<string[]>;
  /** Removes the customer's credential (erasure); the audit entries stay (see README). */
  remove(businessId: string): Promise<boolean>;
}

/** Keys of the credential store under a prefix, for erasure and for the tests' key scan. */
export function credentialKeys(prefix: string) {
  return {
    record: (businessId: string) => `${prefix}:credentials:${businessId}`,
    index: `${prefix}:credentials-index`,
    audit: `${prefix}:credentials-audit`,
  };
}

/** Creates the store; with no keys every write and read throws (callers check first and answer 503). */
export function createCredentialStore(
  redis: RedisClient,
  prefix: string,
  keys: readonly CredentialKey[],
): CredentialStore {
  const k = credentialKeys(prefix);
  const sealingKey = (): CredentialKey => {
    const key = keys[0];
    if (!key) throw new Error('CREDENTIALS_KEYS is not set: refusing to store or read credentials');
    return key;
  };
  const parse = (raw: unknown): CredentialRecord | null =>
    typeof raw === 'string' ? (JSON.parse(raw) as CredentialRecord) : null;

  async function appendAudit(action: CredentialAuditEntry['action'], who: string, businessId: string) {
    await redis.xadd(
      k.audit,
      '*',
      'action',
      action,
      'who',
      who,
      'businessId',
      businessId,
      'at',
      new Date().toISOString(),
    );
  }

  const store: CredentialStore = {
    async put(input) {
      const key = sealingKey();
      const record: CredentialRecord = {
        ...input,
        apicode: sealSecret(input.apicode, key, credentialContext(input.businessId, input.cid)),
        published: false,
      };
      const [kind, raw] = (await PUT(
        redis,
        [k.record(input.businessId), k.index],
        [JSON.stringify(record), input.cid, input.businessId],
      )) as [PutResult['kind'], string];
      return { kind, record: parse(raw) as CredentialRecord };
    },
    async get(businessId) {
      return parse(await redis.get(k.record(businessId)));
    },
    async markPublished(businessId) {
      const raw = await redis.get(k.record(businessId));
      const record = parse(raw);
      if (!record || record.published) return;
      await SWAP(
        redis,
        [k.record(businessId)],
        [raw as string, JSON.stringify({ ...record, published: true })],
      );
    },
    holds(record, apicode) {
      try {
        const stored = openSecret(record.apicode, keys, credentialContext(record.businessId, record.cid));
        const a = createHash('sha256').update(stored).digest();
        const b = createHash('sha256').update(apicode).digest();
        return timingSafeEqual(a, b);
      } catch {
        return false;
      }
    },
    async reveal(businessId, who) {
      sealingKey();
      const record = await store.get(businessId);
      if (!record) return null;
      await appendAudit('read', who, businessId);
      return { record, apicode: openSecret(record.apicode, keys, credentialContext(businessId, record.cid)) };
    },
    async rotate(who) {
      const first = sealingKey();
      const ids = await store.businessIds();
      let rotated = 0;
      for (const businessId of ids) {
        for (;;) {
          const raw = await redis.get(k.record(businessId));
          const record = parse(raw);
          if (!record || record.apicode.kid === first.kid) break;
          const context = credentialContext(businessId, record.cid);
          const resealed = {
            ...record,
            apicode: sealSecret(openSecret(record.apicode, keys, context), first, context),
          };
          if (await SWAP(redis, [k.record(businessId)], [raw as string, JSON.stringify(resealed)])) {
            rotated += 1;
            await appendAudit('rotate', who, businessId);
            break;
          }
        }
      }
      return { rotated, total: ids.length };
    },
    async audit(count = 100) {
      const entries = await redis.xrevrange(k.audit, '+', '-', 'COUNT', count);
      return entries.map(([id, fields]) => {
        const f: Record<string, string> = {};
        for (let i = 0; i + 1 < fields.length; i += 2) f[fields[i] as string] = fields[i + 1] as string;
        return {
          id,
          action: f.action as CredentialAuditEntry['action'],
          who: f.who ?? '',
          businessId: f.businessId ?? '',
          at: f.at ?? '',
        };
      });
    },
    async businessIds() {
      return (await redis.smembers(k.index)).sort();
    },
    async remove(businessId) {
      const removed = await redis.del(k.record(businessId));
      await redis.srem(k.index, businessId);
      return removed > 0;
    },
  };
  return store;
}
