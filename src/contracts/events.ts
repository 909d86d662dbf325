import { hash } from 'node:crypto';

/** The event types on `onboarding-events`; consumers switch on these, so they never change. */
export const EVENT_TYPES = {
  created: 'onboarding.customer.created',
  pending: 'onboarding.customer.pending',
  exists: 'onboarding.customer.exists',
  deadLettered: 'onboarding.dead_lettered',
  replayed: 'onboarding.replayed',
  activated: 'onboarding.customer.activated',
  wizardStalled: 'onboarding.customer.wizard_stalled',
} as const;

/**
 * The CloudEvents `type` of an "onboard customer" request coming in (`POST /v1/events`, bridges):
 * the default of INTAKE_EVENT_TYPES. Named like the outcome types, in the same namespace.
 */
export const ONBOARD_REQUEST_EVENT_TYPE = 'onboarding.customer.requested';

/** One of {@link EVENT_TYPES}. */
export type EventType = (typeof EVENT_TYPES)[keyof typeof EVENT_TYPES];

/** The CloudEvents `source` of everything this service publishes. */
export const EVENT_SOURCE = '/ropo-onboarding';

/** A CloudEvents 1.0 envelope in its JSON form, as stored as job data on `onboarding-events`. */
export interface OnboardingEvent<T extends Record<string, unknown> = Record<string, unknown>> {
  specversion: '1.0';
  id: string;
  source: string;
  type: EventType;
  time: string;
  subject: string;
  datacontenttype: 'application/json';
  data: T;
}

/** Data of every event: ids to act on, never personal data. */
export interface EventData extends Record<string, unknown> {
  jobId: string;
  businessId: string;
}

/**
 * The event id is a hash of the type and the job it reports on, so a job that runs again
 * (a stalled job, a crash before completion) publishes the same id and BullMQ keeps one copy.
 */
export function eventId(type: EventType, jobId: string): string {
  return hash('sha256', `${type}\n${jobId}`, 'hex').slice(0, 32);
}

// One envelope for both kinds of event: only how the id is derived differs. A plain object, not the
// cloudevents SDK's class: the SDK validates every event it builds (about 4 µs of the worker's time per
// job), while every field here is fixed by construction; test/unit/contracts/events.test.ts checks the
// shape against the SDK's validation instead.
function envelope<T extends { businessId: string } & Record<string, unknown>>(
  type: EventType,
  id: string,
  data: T,
  time: Date,
): OnboardingEvent<T> {
  return {
    id,
    time: time.toISOString(),
    type,
    source: EVENT_SOURCE,
    specversion: '1.0',
    datacontenttype: 'application/json',
    subject: data.businessId,
    data,
  };
}

/** Builds the CloudEvents 1.0 envelope of one outcome (its shape pinned by a test against the SDK). */
export function buildEvent<T extends EventData>(
  type: EventType,
  data: T,
  time = new Date(),
): OnboardingEvent<T> {
  return envelope(type, eventId(type, data.jobId), data, time);
}

/** Data of `onboarding.customer.activated`: ids only; the apicode never leaves the credential store. */
export interface ActivatedEventData extends Record<string, unknown> {
  businessId: string;
  cid: string;
  externalId: string | null;
  matched: boolean;
}

/** Data of `onboarding.customer.wizard_stalled`. */
export interface WizardStalledEventData extends Record<string, unknown> {
  businessId: string;
  jobId: string;
  pendingSince: string;
}

/** A deterministic id for events about a customer rather than a job: type and the ids that make it unique. */
export function customerEventId(type: EventType, ...parts: string[]): string {
  return hash('sha256', [type, ...parts].join('\n'), 'hex').slice(0, 32);
}

/** Builds the envelope of a customer-level event (activation, stalled wizard) with an id from `idParts`. */
export function buildCustomerEvent<T extends { businessId: string } & Record<string, unknown>>(
  type: EventType,
  data: T,
  idParts: string[],
  time = new Date(),
): OnboardingEvent<T> {
  return envelope(type, customerEventId(type, data.businessId, ...idParts), data, time);
}
