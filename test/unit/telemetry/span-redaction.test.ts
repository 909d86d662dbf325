import { context, trace } from '@opentelemetry/api';
import { TracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace';
import { reasonCodeOf } from '../../../src/pipeline/traced-processor';
import { RedactingSpanProcessor, redactAttributes } from '../../../src/telemetry/span-redaction';
import { TRACING_OFF, tracingRequested } from '../../../src/telemetry/tracing';

describe('span redaction', () => {
  it('drops BullMQ attributes that hold results and failure messages, and masks personal data in the rest', () => {
    expect(
      redactAttributes({
        'bullmq.job.id': 'ph-1',
        'bullmq.job.result': '{"wizardUrl":"https://wizard.example/abc"}',
        'bullmq.job.failed.reason': 'ROPO_REJECTED: Jane Doe +358401234567',
        'http.url': 'https://ropo.example/rest?who=jane.doe@example.com',
        'onboarding.attempt': 2,
      }),
    ).toEqual({
      'bullmq.job.id': 'ph-1',
      'http.url': 'https://ropo.example/rest?who=[redacted]',
      'onboarding.attempt': 2,
    });
  });

  it('cleans the spans a real tracer provider exports, events included', async () => {
    const exporter = new InMemorySpanExporter();
    const provider = new TracerProvider({
      spanProcessors: [new RedactingSpanProcessor(new SimpleSpanProcessor({ exporter }))],
    });
    const tracer = provider.getTracer('test');
    const span = tracer.startSpan('process onboarding', {}, context.active());
    span.setAttribute('bullmq.job.failed.reason', 'IBAN FI2112345600000785 refused');
    span.setAttribute('note', 'call +358401234567 or jane.doe@example.com');
    span.recordException(new Error('Bearer abc.def.ghi failed for FI2112345600000785'));
    span.end();
    await provider.forceFlush();
    const [exported] = exporter.getFinishedSpans();
    const text = JSON.stringify({ attributes: exported?.attributes, events: exported?.events });
    for (const secret of ['FI2112345600000785', '+358401234567', 'jane.doe@example.com', 'abc.def.ghi']) {
      expect({ secret, found: text.includes(secret) }).toEqual({ secret, found: false });
    }
    expect(exported?.attributes.note).toBe('call [redacted] or [redacted]');
    await provider.shutdown();
  });
});

describe('reasonCodeOf', () => {
  it.each([
    ['a RopoError code', Object.assign(new Error('x'), { code: 'ROPO_UNAVAILABLE' }), 'ROPO_UNAVAILABLE'],
    [
      'an UnrecoverableError message prefix',
      new Error('PAYLOAD_INVALID: 2 field error(s)'),
      'PAYLOAD_INVALID',
    ],
    ['a Node error code in lower case', Object.assign(new Error('boom'), { code: 'econnreset' }), 'Error'],
    ['a class name otherwise', new TypeError('nope'), 'TypeError'],
    ['something not an error', 'a string', 'UNKNOWN'],
  ])('reads %s', (_label, error, code) => {
    expect(reasonCodeOf(error)).toBe(code);
  });
});

describe('tracing switch', () => {
  it.each([
    [{}, false],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' }, true],
    [{ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://127.0.0.1:4318/v1/traces' }, true],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318', OTEL_SDK_DISABLED: 'true' }, false],
  ])('%j → on: %s', (env, on) => {
    expect(tracingRequested(env)).toBe(on);
  });

  it('is off by default: no BullMQ telemetry, and spans from its tracer are not recorded', () => {
    expect(TRACING_OFF.bullmq).toBeUndefined();
    const span = TRACING_OFF.tracer.startSpan('x');
    expect(span.isRecording()).toBe(false);
    expect(trace.getActiveSpan()).toBeUndefined();
    span.end();
  });
});
