import { CloudEvent, HTTP, ValidationError } from 'cloudevents';
import type { FieldError } from '../contracts/field-error';

/** A CloudEvent 1.0 in its JSON (structured) form, as read from any binding. */
export type CloudEventJson = Record<string, unknown> & {
  specversion: '1.0';
  id: string;
  source: string;
  type: string;
  data?: unknown;
  traceparent?: string;
  tracestate?: string;
};

/** What a reader decided: a valid CloudEvent, or why the envelope (not the payload) is wrong. */
export type CloudEventRead = { ok: true; event: CloudEventJson } | { ok: false; errors: FieldError[] };

// The SDK fills a missing `id` with a random UUID and accepts any `specversion`: a redelivery would
// then make a second job. So the attributes the event id and the reader depend on are checked here,
// on what the sender actually sent, before the SDK sees the event.
const REQUIRED = ['id', 'source', 'type'] as const;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function requiredErrors(read: (name: string) => unknown, pathOf: (name: string) => string): FieldError[] {
  const errors: FieldError[] = [];
  const version = read('specversion');
  if (version !== '1.0') {
    errors.push({
      path: pathOf('specversion'),
      code: version === undefined ? 'REQUIRED' : 'VALUE_INVALID',
      message: 'expected "1.0" (CloudEvents 1.0)',
    });
  }
  for (const name of REQUIRED) {
    const value = read(name);
    if (typeof value !== 'string' || value === '') {
      errors.push({
        path: pathOf(name),
        code: value === undefined ? 'REQUIRED' : 'TYPE',
        message: 'expected a non-empty string',
      });
    }
  }
  return errors;
}

// The SDK's JSON Schema (ajv) errors name the attribute and the rule, never the value.
function sdkErrors(error: unknown): FieldError[] {
  if (!(error instanceof ValidationError)) throw error;
  const detailed = (error.errors as { instancePath?: unknown; message?: unknown }[]).filter(
    (e) => typeof e === 'object' && e !== null,
  );
  if (detailed.length === 0) {
    return [
      {
        path: '',
        code: 'INVALID',
        message: 'not a valid CloudEvent (attribute names are lowercase letters and digits only)',
      },
    ];
  }
  return detailed.map((e) => ({
    path: String(e.instancePath ?? '')
      .replace(/^\//, '')
      .replace(/\//g, '.'),
    code: 'INVALID',
    message: String(e.message ?? 'invalid'),
  }));
}

function valid(event: CloudEvent<unknown>): CloudEventRead {
  return { ok: true, event: event.toJSON() as unknown as CloudEventJson };
}

/** Reads one structured-mode CloudEvent (a batch item is one too) and validates it with the SDK. */
export function readStructuredEvent(body: unknown): CloudEventRead {
  if (!isPlainObject(body)) {
    return { ok: false, errors: [{ path: '', code: 'TYPE', message: 'expected a CloudEvent JSON object' }] };
  }
  const missing = requiredErrors(
    (name) => body[name],
    (name) => name,
  );
  if (missing.length > 0) return { ok: false, errors: missing };
  if ('data_base64' in body) {
    return {
      ok: false,
      errors: [
        { path: 'data_base64', code: 'INVALID', message: 'binary data is not accepted; send JSON `data`' },
      ],
    };
  }
  try {
    return valid(new CloudEvent(body));
  } catch (error) {
    return { ok: false, errors: sdkErrors(error) };
  }
}

/**
 * Reads a binary-mode CloudEvent: attributes in `ce-*` headers, `data` the (already parsed) JSON
 * body. The SDK's HTTP binding maps the headers (extensions included) and validates the event.
 */
export function readBinaryEvent(
  headers: Record<string, string | string[] | undefined>,
  body: unknown,
): CloudEventRead {
  const header = (name: string) => {
    const value = headers[`ce-${name}`];
    return Array.isArray(value) ? value[0] : value;
  };
  const missing = requiredErrors(header, (name) => `ce-${name}`);
  if (missing.length > 0) return { ok: false, errors: missing };
  try {
    const event = HTTP.toEvent({ headers, body });
    if (!(event instanceof CloudEvent)) throw new ValidationError('not one event');
    event.validate();
    return valid(event);
  } catch (error) {
    return { ok: false, errors: sdkErrors(error) };
  }
}
