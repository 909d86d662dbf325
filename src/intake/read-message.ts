import type { FieldError } from '../contracts/field-error';
import { intakeEnvelopeSchema, parameterErrors } from '../http/api-schemas';

/** One record read from any way in (HTTP, webhook, CloudEvent, broker): what the producer enqueues. */
export interface IntakeMessage {
  payload: unknown;
  eventId?: string;
  source: string;
}

/** What {@link readMessage} decided: a record to enqueue, or why the message's shape is wrong. */
export type ReadResult =
  | { ok: true; message: IntakeMessage }
  /** `code` is set when the record is refused as a whole: a CloudEvent whose `type` is not accepted. */
  | { ok: false; errors: FieldError[]; code?: 'EVENT_TYPE_UNKNOWN' };

/** Turns an upstream system's own event shape into one of the forms {@link readMessage} reads. */
export type IntakeMapper = (event: unknown) => unknown;

/** What the way in knows about the message before its body is read. */
export interface ReadDefaults {
  /** Where the message came from when the body does not say (e.g. `webhook`, `amqp`). */
  source: string;
  /** The transport's own id (webhook-id, AMQP messageId, Nats-Msg-Id); wins over ids in the body. */
  eventId?: string;
  /**
   * INTAKE_EVENT_TYPES: a CloudEvent of any other `type` is refused (`EVENT_TYPE_UNKNOWN`), so an
   * upstream that publishes other events on the same queue never has them onboarded. Unset: any type.
   */
  eventTypes?: ReadonlySet<string>;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A structured CloudEvent: has `specversion`, and the spec requires `id` and `source`. */
function isCloudEvent(value: unknown): value is Record<string, unknown> {
  return isPlainObject(value) && typeof value.specversion === 'string';
}

/** The event id of a CloudEvent: the spec makes `source` + `id` unique, not `id` alone. */
export function cloudEventId(source: string, id: string): string {
  return `${source}|${id}`;
}

function readEnvelopeOrPayload(body: unknown, defaults: ReadDefaults): ReadResult {
  // A payload never has a top-level `payload` key (the schema rejects unknown keys), so the
  // presence of that key decides which form it is.
  if (!(isPlainObject(body) && 'payload' in body)) {
    return { ok: true, message: { payload: body, eventId: defaults.eventId, source: defaults.source } };
  }
  const envelope = intakeEnvelopeSchema.safeParse(body);
  if (!envelope.success) return { ok: false, errors: parameterErrors(envelope.error) };
  return {
    ok: true,
    message: {
      payload: envelope.data.payload,
      eventId: defaults.eventId ?? envelope.data.eventId,
      source: envelope.data.source ?? defaults.source,
    },
  };
}

/** EVENT_TYPE_UNKNOWN for a CloudEvent `type` not in `accepted`; undefined for an accepted one. */
function refusedType(type: unknown, accepted: ReadonlySet<string>): ReadResult | undefined {
  if (typeof type === 'string' && accepted.has(type)) return undefined;
  const named = typeof type === 'string' ? JSON.stringify(type.slice(0, 200)) : `(${typeof type})`;
  return {
    ok: false,
    code: 'EVENT_TYPE_UNKNOWN',
    // The type names what the sender meant; it is an attribute, never the payload.
    errors: [
      {
        path: 'type',
        code: 'VALUE_INVALID',
        message: `the event type ${named} is not one of INTAKE_EVENT_TYPES`,
      },
    ],
  };
}

/**
 * The one reader of every way in: a createprofile body, our envelope `{payload, eventId?, source?}`,
 * or a structured CloudEvent whose `data` is one of those. An optional mapper first turns an
 * upstream system's own shape into one of these. Pure: no I/O; the payload is validated later by
 * the producer.
 */
export function readMessage(decoded: unknown, defaults: ReadDefaults, mapper?: IntakeMapper): ReadResult {
  // The type of the event as received, before any mapper, as POST /v1/events has always judged it.
  if (defaults.eventTypes && isCloudEvent(decoded)) {
    const refused = refusedType(decoded.type, defaults.eventTypes);
    if (refused) return refused;
  }
  let body: unknown;
  try {
    body = mapper ? mapper(decoded) : decoded;
  } catch {
    // The mapper's message may quote the event's personal values, so it is not passed on.
    return {
      ok: false,
      errors: [{ path: '', code: 'INVALID', message: 'the intake mapper rejected the event' }],
    };
  }
  if (!isCloudEvent(body)) return readEnvelopeOrPayload(body, defaults);
  const { id, source, data } = body;
  if (typeof id !== 'string' || id === '' || typeof source !== 'string' || source === '') {
    return {
      ok: false,
      errors: [
        {
          path: typeof id !== 'string' || id === '' ? 'id' : 'source',
          code: 'REQUIRED',
          message: 'a CloudEvent needs a non-empty string id and source',
        },
      ],
    };
  }
  if (data === undefined) {
    return {
      ok: false,
      errors: [{ path: 'data', code: 'REQUIRED', message: 'the CloudEvent carries no data' }],
    };
  }
  const eventId = defaults.eventId ?? cloudEventId(source, id);
  const inner = readEnvelopeOrPayload(data, { source, eventId });
  if (!inner.ok)
    return {
      ok: false,
      errors: inner.errors.map((e) => ({ ...e, path: e.path ? `data.${e.path}` : 'data' })),
    };
  return inner;
}
