import {
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Context,
  type Tracer,
} from '@opentelemetry/api';

/** W3C trace context as a message carries it (AMQP or NATS headers, a CloudEvent's attributes). */
export interface TraceCarrier {
  traceparent?: string;
  tracestate?: string;
}

function carrierOf(
  value: { traceparent?: unknown; tracestate?: unknown } | undefined,
): TraceCarrier | undefined {
  if (typeof value?.traceparent !== 'string' || value.traceparent === '') return undefined;
  return {
    traceparent: value.traceparent,
    ...(typeof value.tracestate === 'string' && value.tracestate !== ''
      ? { tracestate: value.tracestate }
      : {}),
  };
}

/**
 * The trace a message continues: its transport headers' `traceparent` (the publisher's own span),
 * else the CloudEvents distributed-tracing extension (`traceparent`/`tracestate` attributes of a
 * structured CloudEvent), else none (a new trace). Uses the global propagator, so with tracing off
 * this is the root context and costs nothing.
 */
export function messageTraceContext(transport: TraceCarrier | undefined, decoded?: unknown): Context {
  const fromTransport = carrierOf(transport);
  const event =
    typeof decoded === 'object' && decoded !== null && !Array.isArray(decoded)
      ? (decoded as { specversion?: unknown; traceparent?: unknown; tracestate?: unknown })
      : undefined;
  const carrier = fromTransport ?? (typeof event?.specversion === 'string' ? carrierOf(event) : undefined);
  return carrier ? propagation.extract(ROOT_CONTEXT, carrier) : ROOT_CONTEXT;
}

/** Reads one header value as text: AMQP headers arrive as strings or Buffers, depending on the publisher. */
export function headerText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  return undefined;
}

/**
 * Runs `run` (the enqueue of one CloudEvent received over HTTP) in the trace the event itself
 * carries, when it has the distributed-tracing extension: a consumer span under the event's
 * `traceparent`, linked to the HTTP request's span. Without the extension the request's own trace
 * (its `traceparent` header) simply goes on.
 */
export function continueEventTrace<T>(
  tracer: Tracer,
  event: { traceparent?: unknown; tracestate?: unknown; type?: unknown },
  run: () => Promise<T>,
): Promise<T> {
  const carrier = carrierOf(event);
  if (!carrier) return run();
  const request = trace.getActiveSpan()?.spanContext();
  return tracer.startActiveSpan(
    'process cloudevent',
    {
      kind: SpanKind.CONSUMER,
      attributes: { 'messaging.operation.type': 'process', 'cloudevents.event_type': String(event.type) },
      links: request ? [{ context: request }] : [],
    },
    propagation.extract(ROOT_CONTEXT, carrier),
    async (span) => {
      try {
        return await run();
      } catch (error) {
        span.setStatus({ code: SpanStatusCode.ERROR });
        throw error;
      } finally {
        span.end();
      }
    },
  );
}
