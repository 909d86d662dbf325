import { Cluster, type Redis } from 'ioredis';
import { buildCustomerEvent, EVENT_TYPES, type WizardStalledEventData } from '../contracts/events';
import type { RedisClient } from './connection';
import { credentialKeys } from './credential-store';
import type { EventPublisher } from './event-publisher';
import { ledgerKeyPattern, parseLedgerKey, type LedgerEntry } from './onboarding-ledger';
import { openQueue } from './open-queue';
import { QUEUE_NAMES } from './queue-names';

/** A pending customer Ropo has not activated within WIZARD_STALLED_AFTER. */
export interface StalledWizard {
  businessId: string;
  jobId: string;
  pendingSince: string;
}

/** How many customers reached each stage of the journey. */
export interface Funnel {
  received: number;
  created: number;
  pending: number;
  activated: number;
  deadLettered: number;
  wizardStalled: number;
}

const stalledMarker = (prefix: string, businessId: string) => `${prefix}:wizard-stalled:${businessId}`;

// One target's entries only: a sandbox customer is not a real one (see ledgerKey).
async function* ledgerEntries(
  connection: RedisClient,
  prefix: string,
  target: string,
): AsyncGenerator<[string, LedgerEntry]> {
  const nodes: Redis[] = connection instanceof Cluster ? connection.nodes('master') : [connection];
  for (const node of nodes) {
    let cursor = '0';
    do {
      const [next, keys] = await node.scan(cursor, 'MATCH', ledgerKeyPattern(prefix, target), 'COUNT', 1000);
      cursor = next;
      if (keys.length === 0) continue;
      const values = await node.mget(...keys);
      for (let i = 0; i < keys.length; i++) {
        const raw = values[i];
        const parsed = parseLedgerKey(prefix, keys[i] as string);
        if (raw && parsed) yield [parsed.businessId, JSON.parse(raw) as LedgerEntry];
      }
    } while (cursor !== '0');
  }
}

/** Where to look for stalled wizards: the ledger of the Ropo One `target`, and how long a wizard may take. */
export interface WizardScope {
  connection: RedisClient;
  prefix: string;
  target: string;
  /** WIZARD_STALLED_AFTER: a customer pending longer than this with no activation has stalled. */
  afterMs: number;
}

/** Pending customers of the scope older than its `afterMs` with no activation stored; reads only. */
export async function findStalledWizards(scope: WizardScope, now = Date.now()): Promise<StalledWizard[]> {
  const { connection, prefix, target, afterMs } = scope;
  const stalled: StalledWizard[] = [];
  for await (const [businessId, entry] of ledgerEntries(connection, prefix, target)) {
    if (entry.state !== 'pending' || now - Date.parse(entry.at) < afterMs) continue;
    if (await connection.exists(credentialKeys(prefix).record(businessId))) continue;
    stalled.push({ businessId, jobId: entry.jobId, pendingSince: entry.at });
  }
  return stalled.sort((a, b) => a.pendingSince.localeCompare(b.pendingSince));
}

/**
 * Publishes one `onboarding.customer.wizard_stalled` per stalled customer, ever: the event id is
 * deterministic and a marker remembers it was sent (written after the publish, so a crash between
 * the two repeats the same id rather than losing the event).
 */
export async function publishStalledWizards(
  scope: WizardScope,
  events: EventPublisher,
  now = Date.now(),
): Promise<StalledWizard[]> {
  const { connection, prefix } = scope;
  const published: StalledWizard[] = [];
  for (const stalled of await findStalledWizards(scope, now)) {
    if (await connection.exists(stalledMarker(prefix, stalled.businessId))) continue;
    const data: WizardStalledEventData = { ...stalled };
    await events.publish(buildCustomerEvent(EVENT_TYPES.wizardStalled, data, [stalled.jobId]));
    await connection.set(stalledMarker(prefix, stalled.businessId), new Date(now).toISOString());
    published.push(stalled);
  }
  return published;
}

/** The journey's funnel at one Ropo One target, from the ledger, the credential store and the dead-letter queue (a scan: for scrapes and `stats`). */
export async function readFunnel(connection: RedisClient, prefix: string, target: string): Promise<Funnel> {
  const funnel: Funnel = {
    received: 0,
    created: 0,
    pending: 0,
    activated: 0,
    deadLettered: 0,
    wizardStalled: 0,
  };
  for await (const [businessId, entry] of ledgerEntries(connection, prefix, target)) {
    funnel.received += 1;
    if (entry.state === 'created' || entry.state === 'exists') funnel.created += 1;
    if (entry.state === 'pending') funnel.pending += 1;
    if (await connection.exists(stalledMarker(prefix, businessId))) funnel.wizardStalled += 1;
  }
  funnel.activated = await connection.scard(credentialKeys(prefix).index);
  const deadLetters = openQueue(QUEUE_NAMES.deadLetter, connection, prefix);
  try {
    const counts = await deadLetters.getJobCounts('waiting', 'delayed', 'completed', 'failed', 'active');
    funnel.deadLettered = Object.values(counts).reduce((a, b) => a + b, 0);
  } finally {
    await deadLetters.close();
  }
  return funnel;
}

/** The marker key of a stalled wizard, for erasure. */
export function wizardStalledKey(prefix: string, businessId: string): string {
  return stalledMarker(prefix, businessId);
}
