// The library entry for producers and tooling; the service itself runs through `bin/onboarding.js`.
export { createOnboardingProducer } from './queues/onboarding-producer';
export type {
  OnboardingProducer,
  OnboardingProducerOptions,
  EnqueueOptions,
  EnqueueResult,
} from './queues/onboarding-producer';
export { validatePayload } from './contracts/validate-payload';
export type { FieldError, PayloadValidation } from './contracts/validate-payload';
export { PayloadInvalidError } from './contracts/payload-invalid-error';
export { EVENT_TYPES } from './contracts/events';
export type { OnboardingEvent } from './contracts/events';
export type { DeadLetterRecord } from './contracts/dead-letter-record';
export { QUEUE_NAMES } from './queues/queue-names';
export { loadConfig } from './config';
