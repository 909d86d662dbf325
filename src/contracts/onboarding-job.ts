import { hash } from 'node:crypto';
import stableStringify from 'safe-stable-stringify';

/** Data of an `onboard-customer` job on the `onboarding` queue. */
export interface OnboardingJobData {
  /** The createprofile body as the producer sent it; validated by the worker, not trusted. */
  payload: unknown;
  /** The upstream event id, when the producer has one; it becomes the job id. */
  eventId?: string;
  /** Who produced the job (a CRM, the intake API, the CLI), for lineage only. */
  source?: string;
  /** The original job id when this job is a replay of a dead letter. */
  replayOf?: string;
  replayCount?: number;
  receivedAt: string;
  /** Unique per enqueue call: tells the delivery that stored the job from duplicates that were dropped. */
  deliveryId: string;
}

/** How a job ended; every job ends in exactly one of these. */
export type OnboardingOutcome = 'created' | 'pending' | 'exists' | 'dead_lettered';

/** What a completed job returns (BullMQ keeps it as the job's return value); no personal data. */
export interface OnboardingJobResult {
  outcome: OnboardingOutcome;
  businessId: string | null;
  customerId?: string | null;
  uuid?: string | null;
  wizardUrl?: string | null;
  reasonCode?: string;
  eventId: string;
}

/** JSON with object keys sorted, so equal payloads hash equally whatever their key order. */
export function canonicalJson(value: unknown): string {
  // Byte for byte what JSON.stringify gives with every object's keys sorted (tested), so job ids
  // stay the same across versions; the library does it without a sorted copy of each object.
  const json = stableStringify(value);
  if (json === undefined) throw new TypeError('a payload must be JSON');
  return json;
}

const SAFE_EVENT_ID = /^[A-Za-z0-9._-]{1,100}$/;

/**
 * The job id: the upstream event id when given, so duplicate deliveries collapse into one job;
 * otherwise a hash of the canonical payload, so the same record enqueued twice is one job.
 * BullMQ forbids ':' and plain integers in custom ids, so anything unusual is hashed, under its own
 * prefix: `evh-<hash>` can never equal `evt-<verbatim id>`, whatever 40 hex digits an upstream sends.
 */
export function onboardingJobId(payload: unknown, eventId?: string): string {
  if (eventId !== undefined) {
    return SAFE_EVENT_ID.test(eventId) ? `evt-${eventId}` : `evh-${sha256(eventId).slice(0, 40)}`;
  }
  return `ph-${sha256(canonicalJson(payload)).slice(0, 40)}`;
}

// What the service issues: `evt-`/`evh-` (event ids), `ph-` (payload hashes), `rp-` (replays); and
// BullMQ's own numeric ids, for upstreams that add jobs without an id. Never a queue key such as
// `meta` or `events`, so a route never reads one of those as a job.
const JOB_ID_SHAPE = /^(?:(?:evt|evh|ph|rp)-[A-Za-z0-9._-]{1,240}|[1-9]\d{0,19})$/;

/** True when `id` has the shape of an onboarding job id; routes answer 404 for anything else without asking Redis. */
export function isOnboardingJobId(id: string): boolean {
  return JOB_ID_SHAPE.test(id);
}

function sha256(text: string): string {
  return hash('sha256', text, 'hex');
}

/**
 * The job's data as stored. Upstreams that bypass the producer can put anything on the queue,
 * `null` included; every reader goes through this so none crashes on it.
 */
export function readJobData(data: unknown): Partial<OnboardingJobData> {
  return data !== null && typeof data === 'object' ? (data as Partial<OnboardingJobData>) : {};
}

/**
 * The business id of a payload when it has one to show: it is public (the trade register) and
 * operators filter by it. A value that is not id-shaped (letters, digits, dashes, at most 20) is
 * not shown, since a typo'd payload may carry anything, personal data included, in that field.
 */
export function readBusinessId(payload: unknown): string | null {
  const id = (payload as { customer_info?: { business_id?: unknown } } | null)?.customer_info?.business_id;
  if (typeof id !== 'string') return null;
  const trimmed = id.trim();
  return /^[0-9A-Za-z-]{1,20}$/.test(trimmed) ? trimmed : null;
}
