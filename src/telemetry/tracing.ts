import { trace, type Tracer } from '@opentelemetry/api';
import type { Telemetry } from 'bullmq';
import { RedactingSpanProcessor } from './span-redaction';

// The SDK, exporter and instrumentations are imported only when tracing is switched on: together
// they add about 30 MB to the RSS of every process that loads them, and tracing is off by default.

/** The name every span of ours is created under. */
export const TRACER_NAME = 'ropo-onboarding';

// Probes and scrapes every few seconds would drown the traces that matter.
const UNTRACED_PATHS = /^\/(healthz|readyz|metrics)(\?|$)/;

/** What a role gets from {@link startTracing}: BullMQ's telemetry hook, our tracer, and how to flush. */
export interface Tracing {
  enabled: boolean;
  /** Passed to every BullMQ Queue and Worker as `telemetry`; undefined when tracing is off, so BullMQ does no span work. */
  bullmq?: Telemetry;
  tracer: Tracer;
  /** Exports what is buffered and stops; safe to call when off. */
  shutdown(): Promise<void>;
}

/** Tracing switched off: the API's no-op tracer, nothing exported, nothing to flush. */
export const TRACING_OFF: Tracing = {
  enabled: false,
  tracer: trace.getTracer(TRACER_NAME),
  shutdown: async () => undefined,
};

/** True when the standard OTLP endpoint variables ask for traces and the SDK is not disabled. */
export function tracingRequested(env: NodeJS.ProcessEnv): boolean {
  if (env.OTEL_SDK_DISABLED === 'true') return false;
  return Boolean(env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT || env.OTEL_EXPORTER_OTLP_ENDPOINT);
}

/**
 * Starts the OpenTelemetry Node SDK for one role when `OTEL_EXPORTER_OTLP_ENDPOINT` (or the traces
 * endpoint) is set: OTLP/HTTP export, HTTP client and server spans, BullMQ's queue spans through
 * bullmq-otel, every span redacted like the logs. Otherwise it returns {@link TRACING_OFF}.
 * Call it before the role opens connections, so the first requests are traced too.
 */
export async function startTracing(role: string, env: NodeJS.ProcessEnv = process.env): Promise<Tracing> {
  if (!tracingRequested(env)) return TRACING_OFF;
  // The SDK would otherwise also start OTLP metric and log exporters: ours are Prometheus and stdout.
  env.OTEL_METRICS_EXPORTER ??= 'none';
  env.OTEL_LOGS_EXPORTER ??= 'none';
  const { OTLPTraceExporter } = await import('@opentelemetry/exporter-trace-otlp-http');
  const { HttpInstrumentation } = await import('@opentelemetry/instrumentation-http');
  const { NodeSDK } = await import('@opentelemetry/sdk-node');
  const { BatchSpanProcessor } = await import('@opentelemetry/sdk-trace');
  const { BullMQOtel } = await import('bullmq-otel');
  const sdk = new NodeSDK({
    serviceName: env.OTEL_SERVICE_NAME || `onboarding-${role}`,
    spanProcessors: [
      new RedactingSpanProcessor(new BatchSpanProcessor({ exporter: new OTLPTraceExporter() })),
    ],
    instrumentations: [
      new HttpInstrumentation({
        ignoreIncomingRequestHook: (request) => UNTRACED_PATHS.test(request.url ?? ''),
        // A call made outside any onboarding (the exporter's own, say) starts no trace of its own.
        requireParentforOutgoingSpans: true,
      }),
    ],
  });
  sdk.start();
  // The HTTP instrumentation patches `http` when it is next required. The CLI has loaded express and
  // axios long before a role starts, so require it once more here: both call into the module object
  // at request time, so they see the patched functions from now on.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a require is what the patch hooks
  for (const name of ['http', 'https']) require(name);
  return {
    enabled: true,
    bullmq: new BullMQOtel({ tracerName: TRACER_NAME }),
    tracer: trace.getTracer(TRACER_NAME),
    shutdown: () => sdk.shutdown(),
  };
}
