import type { RedisClient } from './connection';
import {
  closeErasureQueues,
  ERASERS,
  ERASURE_KINDS,
  openErasureQueues,
  type ErasureContext,
  type ErasureKind,
  type Found,
} from './customer-erasers';
import { createBusinessIdHasher, erasureAuditKeys, writeErasureAudit } from './erasure-audit';

/** Counts by kind of what an erasure found (dry run) or removed. */
export type ErasureCounts = Record<ErasureKind, number>;

/** What an erasure did, or with `dryRun` would do; it never holds personal data beyond the id asked for. */
export interface ErasureReport {
  businessId: string;
  dryRun: boolean;
  counts: ErasureCounts;
  /** Every count added up. */
  total: number;
  /** Jobs a worker runs right now (they hold a lock): not erased, run erase again once they end. */
  skippedActive: string[];
  /** The id of the audit entry written (real runs only). */
  auditId?: string;
}

/** Options of {@link eraseCustomer}. */
export interface ErasureOptions {
  /** Only count what would go; writes nothing, not even the audit entry. */
  dryRun?: boolean;
  /** Who asked, for the audit: a token label or `cli:<os user>`. */
  who: string;
  /** ERASURE_HMAC_KEY; unset: the installation's generated key in Redis. */
  hmacKey?: string;
}

const zeroCounts = (): ErasureCounts =>
  Object.fromEntries(ERASURE_KINDS.map((kind) => [kind, 0])) as ErasureCounts;

/**
 * Erases one customer (GDPR) through the registry of erasers in src/queues/customer-erasers.ts:
 * every lookup finds and counts first, and a real run then removes in the registry's order. A real
 * run leaves an audit entry (HMAC of the id, time, counts, who) and the "erased" marker under the
 * same hash; neither holds the business id.
 */
export async function eraseCustomer(
  connection: RedisClient,
  prefix: string,
  businessId: string,
  options: ErasureOptions,
): Promise<ErasureReport> {
  const queues = await openErasureQueues(connection, prefix);
  const context: ErasureContext = {
    connection,
    prefix,
    businessId,
    queues,
    jobIds: new Set(),
    onboardingJobIds: new Set(),
    skippedActive: [],
  };
  try {
    const found: [ErasureKind, Found][] = [];
    for (const eraser of ERASERS) found.push([eraser.kind, await eraser.find(context)]);
    const counts = zeroCounts();
    if (options.dryRun) {
      for (const [kind, result] of found) counts[kind] = result.count;
    } else {
      for (const [kind, result] of found)
        counts[kind] = result.count > 0 || kind === 'event-stream-entries' ? await result.remove() : 0;
    }
    const total = Object.values(counts).reduce((a, b) => a + b, 0);
    const report: ErasureReport = {
      businessId,
      dryRun: options.dryRun ?? false,
      counts,
      total,
      skippedActive: [...new Set(context.skippedActive)],
    };
    if (options.dryRun) return report;
    const subject = await createBusinessIdHasher(connection, prefix, options.hmacKey).hash(businessId);
    const at = new Date().toISOString();
    // The time only, so the timeline can answer "erased" rather than "unknown".
    await connection.set(erasureAuditKeys(prefix).erasedMarker(subject), at);
    report.auditId = await writeErasureAudit(connection, prefix, { subject, at, who: options.who, counts });
    return report;
  } finally {
    await closeErasureQueues(queues);
  }
}
