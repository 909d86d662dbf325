/** The three queues of the service; the names are part of the contract with producers and consumers. */
export const QUEUE_NAMES = {
  onboarding: 'onboarding',
  events: 'onboarding-events',
  deadLetter: 'onboarding-dead-letter',
} as const;

/** Job names, one per queue. */
export const JOB_NAMES = {
  onboardCustomer: 'onboard-customer',
  event: 'onboarding-event',
  deadLetter: 'dead-letter',
} as const;

/** Every queue name, for stats and the board. */
export const ALL_QUEUE_NAMES = Object.values(QUEUE_NAMES);

/** One of the service's queue names. */
export type QueueName = (typeof QUEUE_NAMES)[keyof typeof QUEUE_NAMES];

/** Each event sink's delivery queue is named this plus the sink's name (see src/delivery/sink-queues.ts). */
export const SINK_QUEUE_NAME_PREFIX = 'onboarding-sink-';
