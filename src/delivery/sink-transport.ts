import type { OnboardingEvent } from '../contracts/events';

/** What one successful delivery answered: an HTTP status, or a broker's acknowledgement. */
export interface DeliveryReceipt {
  status?: number;
  /** The first bytes of the answer, for the attempt history; never a secret. */
  answer?: string;
}

/** Sends one event to one sink; throws a `SinkDeliveryError` when the sink did not take it. */
export interface SinkTransport {
  send(event: OnboardingEvent): Promise<DeliveryReceipt>;
  close(): Promise<void>;
}

/** How many characters of an answer the attempt history keeps. */
export const ANSWER_BYTES = 256;

/** The first {@link ANSWER_BYTES} of an answer. */
export function firstBytes(text: string): string {
  return text.length > ANSWER_BYTES ? `${text.slice(0, ANSWER_BYTES)}…` : text;
}

/** The message of an unknown error, without its stack. */
export function describeError(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as NodeJS.ErrnoException).code;
    const cause = (error as { cause?: unknown }).cause;
    const inner = cause instanceof Error ? `: ${describeError(cause)}` : '';
    return `${code ? `${code} ` : ''}${error.message}${inner}`;
  }
  return String(error);
}
