import { createCredentialStore, credentialKeys } from './credential-store';
import { wizardStalledKey } from './customer-funnel';
import { nothing, type Eraser } from './eraser';
import { outboxKey } from './event-outbox';
import { deleteStreamEntries, findStreamEntries } from './event-stream-scrub';
import { ledgerEntriesOf, removeLedgerEntries } from './onboarding-ledger';
import { createProfileUuidIndex } from './profile-uuids';

// Erasers of what is kept per customer under its own keys (not in a queue's jobs).

/**
 * Outcome events still in the outbox the relay moves to `onboarding-events`: removed before the
 * events themselves, so a relay run in between cannot bring one back.
 */
export const eventOutboxEntries: Eraser = {
  kind: 'event-outbox-entries',
  async find(context) {
    const key = outboxKey(context.prefix);
    const ids = await findStreamEntries(context.connection, key, (values) =>
      values.some((value) => value.includes(context.businessId)),
    );
    return { count: ids.length, remove: () => deleteStreamEntries(context.connection, key, ids) };
  },
};

/** The idempotency ledger's entries, one per Ropo One target that has one (through the ledger's own keys). */
export const ledger: Eraser = {
  kind: 'ledger',
  async find(context) {
    const entries = await ledgerEntriesOf(context.connection, context.prefix, context.businessId);
    if (entries.length === 0) return nothing;
    for (const { entry } of entries) context.jobIds.add(entry.jobId);
    return {
      count: entries.length,
      remove: async () =>
        (await removeLedgerEntries(context.connection, context.prefix, context.businessId))
          ? entries.length
          : 0,
    };
  },
};

/** The activated customer's sealed Ropo One credentials. */
export const credentials: Eraser = {
  kind: 'credentials',
  async find(context) {
    const store = createCredentialStore(context.connection, context.prefix, []);
    if (!(await store.get(context.businessId))) return nothing;
    return { count: 1, remove: async () => ((await store.remove(context.businessId)) ? 1 : 0) };
  },
};

/** Entries of the credentials audit stream naming the customer (who read its credentials, when). */
export const credentialReads: Eraser = {
  kind: 'credential-reads',
  async find(context) {
    const key = credentialKeys(context.prefix).audit;
    const ids = await findStreamEntries(context.connection, key, (values) =>
      values.includes(context.businessId),
    );
    return { count: ids.length, remove: () => deleteStreamEntries(context.connection, key, ids) };
  },
};

/** The profile_uuids recorded to match Ropo's `external-id` back. */
export const profileUuids: Eraser = {
  kind: 'profile-uuids',
  async find(context) {
    const index = createProfileUuidIndex(context.connection, context.prefix);
    const count = (await index.findFor(context.businessId)).length;
    return count === 0 ? nothing : { count, remove: () => index.removeFor(context.businessId) };
  },
};

/** The marker that `wizard_stalled` was published. */
export const wizardStalledMarker: Eraser = {
  kind: 'wizard-stalled-marker',
  async find(context) {
    const key = wizardStalledKey(context.prefix, context.businessId);
    if (!(await context.connection.exists(key))) return nothing;
    return { count: 1, remove: () => context.connection.del(key) };
  },
};
