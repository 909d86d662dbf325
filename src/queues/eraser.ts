import type { Queue } from 'bullmq';
import type { RedisClient } from './connection';

// The shape every eraser of customer-erasers.ts and customer-key-erasers.ts shares.

/** The kinds of data an erasure removes, in the order it removes them. */
export const ERASURE_KINDS = [
  'dead-letters',
  'attempt-logs',
  'onboarding-jobs',
  'event-outbox-entries',
  'events',
  'sink-deliveries',
  'ledger',
  'credentials',
  'credential-reads',
  'profile-uuids',
  'wizard-stalled-marker',
  'event-stream-entries',
] as const;

/** One kind of personal data an erasure looks for. */
export type ErasureKind = (typeof ERASURE_KINDS)[number];

/** What one eraser found: how many, and how to remove them (returns how many went). */
export interface Found {
  count: number;
  remove(): Promise<number>;
}

/** The queues and what earlier erasers learnt, shared along the run. */
export interface ErasureContext {
  connection: RedisClient;
  prefix: string;
  businessId: string;
  queues: { onboarding: Queue; events: Queue; deadLetter: Queue; sinks: Queue[] };
  /** Every job id found so far (all queues, and those a dead letter or the ledger names). */
  jobIds: Set<string>;
  /** Onboarding jobs of the customer, found by `onboarding-jobs`, read by `attempt-logs`. */
  onboardingJobIds: Set<string>;
  /** Jobs that could not be removed: they run right now and hold a lock. */
  skippedActive: string[];
}

/** A find → count → delete lookup for one kind; dry runs call `find` only. */
export interface Eraser {
  kind: ErasureKind;
  find(context: ErasureContext): Promise<Found>;
}

/** What an eraser finds when there is nothing of the customer. */
export const nothing: Found = { count: 0, remove: async () => 0 };
