import type { OnboardingEvent } from '../contracts/events';
import type { RedisClient } from './connection';
import type { EventOutbox } from './event-outbox';
import { createLedgerBatch } from './ledger-batch';
import { luaScript } from './redis-script';

/** Where a business id stands; `inflight` is a claim by one job, the others are final. */
export type LedgerEntry =
  | { state: 'inflight'; jobId: string; since: string }
  | { state: 'created'; jobId: string; customerId: string | null; at: string }
  | { state: 'pending'; jobId: string; uuid: string | null; wizardUrl: string | null; at: string }
  | { state: 'exists'; jobId: string; at: string };

/** A final ledger state: the customer is onboarded (or on its way in Ropo's wizard). */
export type SettledEntry = Exclude<LedgerEntry, { state: 'inflight' }>;

/** The answer to a claim. */
export type ClaimResult =
  { kind: 'claimed' } | { kind: 'settled'; entry: SettledEntry } | { kind: 'busy'; holder: string };

// Claims and settles go through the batch script (src/queues/lua/ledger-batch.lua): a claim is atomic,
// and a settle keeps the first outcome recorded and appends its event to the outbox in the same step.
const RELEASE = luaScript(__dirname, 'ledger-release');

/** Writes a successful claim makes in the same script: the profile_uuid index (src/queues/profile-uuids.ts). */
export interface ClaimRecord {
  /** The uuid → business id key and the business id's set of uuids, from the index's own key function. */
  keys: [string, string];
  profileUuid: string;
}

/** Options of {@link OnboardingLedger.claim}. */
export interface ClaimOptions {
  /** Take the claim over from this job, which is gone (crashed, removed, ended without settling). */
  takeOverFrom?: string;
  /** Also record the profile_uuid the claimant will send, in the same round trip (only if claimed). */
  record?: ClaimRecord;
}

/** Options for the ledger. */
export interface LedgerOptions {
  /** An in-flight claim lapses after this long, so a claim by a vanished worker never blocks forever. */
  inflightTtlMs?: number;
  /** Where {@link OnboardingLedger.settleWithEvent} writes outcome events; without one it writes none. */
  outbox?: Pick<EventOutbox, 'key' | 'written'>;
}

/** The answer to a settle with an event: the entry that stands, and whether the event went to the outbox. */
export interface SettleWithEventResult {
  entry: SettledEntry;
  /** True when this call settled the id and its event is in the outbox; false when an earlier entry stands. */
  queued: boolean;
  /** True when the job's data was replaced by the given stub in the same script (only with an outbox). */
  stripped: boolean;
}

/** A job whose data the settle replaces by its stub, in the same script: once an outcome stands the payload goes. */
export interface SettleStrip {
  /** The job's hash key (`<prefix>:<queue>:<id>`); a job removed meanwhile is left alone. */
  jobKey: string;
  /** The stub, as the JSON BullMQ stores in the hash's `data` field. */
  data: string;
}

/**
 * The idempotency ledger, keyed by Ropo One target and business id in Redis: it is what stops a customer being
 * created twice when a job is retried, replayed, or delivered again under another id.
 */
export interface OnboardingLedger {
  /** Claims the business id for a job, or tells who holds it, or how it was settled. */
  claim(businessId: string, jobId: string, options?: ClaimOptions): Promise<ClaimResult>;
  /** Records the outcome; returns the entry that stands (an earlier settled one wins). */
  settle(businessId: string, entry: SettledEntry): Promise<SettledEntry>;
  /**
   * Settles and, in the same Redis script, puts the outcome event in the outbox (the relay moves it to
   * `onboarding-events`): one round trip, and never one written without the other. An earlier settled
   * entry wins and then no event is written (the caller publishes the one for the standing entry).
   * With `strip`, the job's payload is replaced by its stub in that script too, whichever entry stands.
   */
  settleWithEvent(
    businessId: string,
    entry: SettledEntry,
    event: OnboardingEvent,
    strip?: SettleStrip,
  ): Promise<SettleWithEventResult>;
  /** Drops a job's in-flight claim after a permanent failure, so a fixed replay can claim again. */
  release(businessId: string, jobId: string): Promise<void>;
  get(businessId: string): Promise<LedgerEntry | null>;
  /** Removes the entry (erasure). */
  remove(businessId: string): Promise<boolean>;
}

const LEDGER = 'onboarding-ledger';

/**
 * The Redis key of a customer's ledger entry at one Ropo One target (config's `ropo.target`): the one
 * place the key is built, so erasure, views and scripts all find the same entry. Namespaced by target
 * so a sandbox outcome never answers "already onboarded" for the real Ropo One. The prefix's hash
 * tag keeps a Cluster's slots together.
 */
export function ledgerKey(prefix: string, target: string, businessId: string): string {
  return `${prefix}:${LEDGER}:${target}:${businessId}`;
}

/** The SCAN pattern of every ledger key under the prefix, of every target or of one. */
export function ledgerKeyPattern(prefix: string, target?: string): string {
  const escape = (text: string) => text.replace(/[[\]*?\\]/g, '\\$&');
  return `${escape(`${prefix}:${LEDGER}:`)}${target ? `${escape(target)}:` : '*:'}*`;
}

/** The target and business id of a key built by {@link ledgerKey}; undefined for any other key. */
export function parseLedgerKey(
  prefix: string,
  key: string,
): { target: string; businessId: string } | undefined {
  const head = `${prefix}:${LEDGER}:`;
  if (!key.startsWith(head)) return undefined;
  const rest = key.slice(head.length);
  const colon = rest.indexOf(':');
  if (colon <= 0) return undefined;
  return { target: rest.slice(0, colon), businessId: rest.slice(colon + 1) };
}

/** The set of every target that ever claimed in the ledger: how erasure and views find all of a customer's entries. */
export function ledgerTargetsKey(prefix: string): string {
  return `${prefix}:${LEDGER}-targets`;
}

/** A customer's entries at every target that has one (timeline, erasure); reads only. */
export async function ledgerEntriesOf(
  redis: RedisClient,
  prefix: string,
  businessId: string,
): Promise<{ target: string; entry: LedgerEntry }[]> {
  const targets = (await redis.smembers(ledgerTargetsKey(prefix))).sort();
  if (targets.length === 0) return [];
  const values = await Promise.all(targets.map((t) => redis.get(ledgerKey(prefix, t, businessId))));
  return targets.flatMap((target, i) => {
    const raw = values[i];
    return typeof raw === 'string' ? [{ target, entry: JSON.parse(raw) as LedgerEntry }] : [];
  });
}

/** Removes a customer's entry at every target (erasure); true when there was one. */
export async function removeLedgerEntries(
  redis: RedisClient,
  prefix: string,
  businessId: string,
): Promise<boolean> {
  const targets = await redis.smembers(ledgerTargetsKey(prefix));
  if (targets.length === 0) return false;
  const removed = await Promise.all(targets.map((t) => redis.del(ledgerKey(prefix, t, businessId))));
  return removed.some((n) => n > 0);
}

/** Creates the ledger of one Ropo One target (config's `ropo.target`) under `<prefix>:onboarding-ledger:<target>:`. */
export function createLedger(
  redis: RedisClient,
  prefix: string,
  target: string,
  options: LedgerOptions = {},
): OnboardingLedger {
  if (!target || target.includes(':')) throw new Error(`ledger target must be a non-empty id without ':'`);
  const ttl = options.inflightTtlMs ?? 15 * 60_000;
  const batch = createLedgerBatch(redis);
  const key = (businessId: string): string => ledgerKey(prefix, target, businessId);
  // Recorded once per ledger, before its first claim, so erasure can find this target's entries.
  let registered: Promise<unknown> | undefined;
  const register = (): Promise<unknown> =>
    (registered ??= redis.sadd(ledgerTargetsKey(prefix), target).catch((error: unknown) => {
      registered = undefined;
      throw error;
    }));
  const parse = (raw: unknown): LedgerEntry | null =>
    typeof raw === 'string' ? (JSON.parse(raw) as LedgerEntry) : null;

  return {
    async claim(businessId, jobId, claimOptions = {}) {
      await register();
      const claim = JSON.stringify({ state: 'inflight', jobId, since: new Date().toISOString() });
      const record = claimOptions.record;
      const [raw] = (await batch.run(
        'claim',
        record ? [key(businessId), ...record.keys] : [key(businessId)],
        record
          ? [jobId, claim, claimOptions.takeOverFrom ?? '', ttl, record.profileUuid, businessId]
          : [jobId, claim, claimOptions.takeOverFrom ?? '', ttl],
      )) as [string];
      const entry = parse(raw || null);
      if (!entry) return { kind: 'claimed' };
      if (entry.state === 'inflight') return { kind: 'busy', holder: entry.jobId };
      return { kind: 'settled', entry };
    },
    async settle(businessId, entry) {
      const [standing] = (await batch.run('settle', [key(businessId)], [JSON.stringify(entry)])) as [string];
      return (parse(standing || null) as SettledEntry | null) ?? entry;
    },
    async settleWithEvent(businessId, entry, event, strip) {
      const outbox = options.outbox;
      if (!outbox) return { entry: await this.settle(businessId, entry), queued: false, stripped: false };
      const [standing, streamId, strippedFlag] = (await batch.run(
        'settle',
        strip ? [key(businessId), outbox.key, strip.jobKey] : [key(businessId), outbox.key],
        strip
          ? [JSON.stringify(entry), JSON.stringify(event), strip.data]
          : [JSON.stringify(entry), JSON.stringify(event)],
      )) as [string, string, number];
      const stripped = strippedFlag === 1;
      if (standing) return { entry: parse(standing) as SettledEntry, queued: false, stripped };
      outbox.written({ streamId, event });
      return { entry, queued: true, stripped };
    },
    async release(businessId, jobId) {
      await RELEASE(redis, [key(businessId)], [jobId]);
    },
    async get(businessId) {
      return parse(await redis.get(key(businessId)));
    },
    async remove(businessId) {
      return (await redis.del(key(businessId))) > 0;
    },
  };
}
