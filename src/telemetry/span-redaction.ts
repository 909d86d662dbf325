import type { Context } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace';
import { redact, redactString } from '../logger';

// BullMQ records a job's return value and failure message on its spans. Our results hold a wizard
// link and Ropo One's messages may quote personal data, so these never leave the process.
const DROPPED_ATTRIBUTES = new Set(['bullmq.job.result', 'bullmq.job.failed.reason', 'bullmq.job.options']);

/** Returns span attributes with the dropped keys removed and personal data masked in every string. */
export function redactAttributes(attributes: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(attributes)) {
    if (DROPPED_ATTRIBUTES.has(key)) continue;
    out[key] = typeof value === 'string' ? redactString(value) : Array.isArray(value) ? redact(value) : value;
  }
  return out;
}

/**
 * Cleans every span before the wrapped processor exports it: the same redaction as the logs, over
 * attributes and over events (exceptions carry messages), so a trace backend never holds what a
 * log line may not.
 */
export class RedactingSpanProcessor implements SpanProcessor {
  constructor(private readonly next: SpanProcessor) {}

  onStart(span: Span, parentContext: Context): void {
    this.next.onStart(span, parentContext);
  }

  onEnd(span: ReadableSpan): void {
    // ReadableSpan is read-only to exporters; the SDK's span object is plain data by the time it ends.
    const mutable = span as unknown as {
      attributes: Record<string, unknown>;
      events: { attributes?: Record<string, unknown> }[];
    };
    mutable.attributes = redactAttributes(mutable.attributes);
    for (const event of mutable.events) {
      if (event.attributes) event.attributes = redactAttributes(event.attributes);
    }
    this.next.onEnd(span);
  }

  forceFlush(): Promise<void> {
    return this.next.forceFlush();
  }

  shutdown(): Promise<void> {
    return this.next.shutdown();
  }
}
