/**
 * A failed delivery attempt. Every failure is retried (the receiver may be fixed at any time);
 * `retryAfterMs` carries the receiver's Retry-After so the backoff honours it.
 */
export class SinkDeliveryError extends Error {
  readonly code = 'SINK_DELIVERY_FAILED';
  readonly retryable = true;
  constructor(
    message: string,
    readonly status?: number,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'SinkDeliveryError';
  }
}
