/** Where a customer stands, as operators ask about it. */
export const CUSTOMER_STATES = [
  'received',
  'created',
  'pending',
  'activated',
  'dead-lettered',
  'erased',
] as const;

/** One of {@link CUSTOMER_STATES}, or `unknown` for a business id we never saw. */
export type CustomerState = (typeof CUSTOMER_STATES)[number] | 'unknown';

/** One step of a customer's journey; ids and codes only, never personal data. */
export interface TimelineStep {
  step:
    | 'enqueued'
    | 'attempt_failed'
    | 'created'
    | 'pending'
    | 'exists'
    | 'dead_lettered'
    | 'replayed'
    | 'wizard_stalled'
    | 'activated'
    | 'erased';
  at: string;
  jobId?: string;
  /** The attempt's or dead letter's stable code. */
  code?: string;
  attempt?: number;
  replayOf?: string;
  matched?: boolean;
}

/** A customer's timeline: the state and every step, oldest first. */
export interface CustomerTimeline {
  businessId: string;
  state: CustomerState;
  steps: TimelineStep[];
}

const STATE_OF: Partial<Record<TimelineStep['step'], CustomerState>> = {
  enqueued: 'received',
  replayed: 'received',
  created: 'created',
  exists: 'created',
  pending: 'pending',
  dead_lettered: 'dead-lettered',
  activated: 'activated',
  erased: 'erased',
};

/**
 * The current state from the steps: the latest state-bearing step wins, except that an activated
 * customer stays activated (a later duplicate job cannot undo Ropo's callback) unless erased since.
 */
export function customerState(steps: readonly TimelineStep[]): CustomerState {
  const ordered = [...steps].sort((a, b) => a.at.localeCompare(b.at));
  let state: CustomerState = 'unknown';
  for (const step of ordered) {
    const next = STATE_OF[step.step];
    if (!next) continue;
    if (state === 'activated' && next !== 'erased') continue;
    state = next;
  }
  return state;
}

/** Sorts steps by time (stable for equal times) and derives the state. */
export function buildTimeline(businessId: string, steps: TimelineStep[]): CustomerTimeline {
  const sorted = steps
    .map((step, index) => ({ step, index }))
    .sort((a, b) => a.step.at.localeCompare(b.step.at) || a.index - b.index)
    .map(({ step }) => step);
  return { businessId, state: customerState(sorted), steps: sorted };
}
