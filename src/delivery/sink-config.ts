import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { EVENT_TYPES } from '../contracts/events';
import { SinksConfigError } from './sinks-config-error';

// A sink's name becomes part of a queue name and of Redis keys: keep it to a safe alphabet.
const sinkName = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9_-]{0,62}$/,
    'expected 1-63 lowercase letters, digits, _ or -, starting with a letter or digit',
  );

const eventTypes = z
  .array(z.enum(Object.values(EVENT_TYPES) as [string, ...string[]]))
  .min(1, 'expected at least one event type, or leave "types" out for all')
  .optional();

// Standard Webhooks secrets are base64, conventionally prefixed `whsec_`; 24 bytes is the spec's floor.
const webhookSecret = z
  .string()
  .regex(/^(whsec_)?[A-Za-z0-9+/]+={0,2}$/, 'expected whsec_ followed by base64')
  .refine((v) => Buffer.from(v.replace(/^whsec_/, ''), 'base64').length >= 24, {
    message: 'expected at least 24 bytes of key (32 recommended)',
  });

const httpUrl = z.url({ protocol: /^https?$/, message: 'expected an absolute http(s) URL' });

/** A receiver's HTTP endpoint: structured-mode CloudEvents signed by the Standard Webhooks spec. */
export const webhookSinkSchema = z.strictObject({
  type: z.literal('webhook'),
  name: sinkName,
  url: httpUrl,
  secret: webhookSecret,
  types: eventTypes,
});

/** A RabbitMQ exchange (which must exist): publisher confirms, routing key = event type. */
export const amqpSinkSchema = z.strictObject({
  type: z.literal('amqp'),
  name: sinkName,
  url: z.string().regex(/^amqps?:\/\/\S+$/, 'expected amqp://user:pass@host:port/vhost or amqps://…'),
  exchange: z.string().min(1).max(255),
  types: eventTypes,
});

/** A NATS JetStream subject (a stream must capture it): Nats-Msg-Id = event id. */
export const natsSinkSchema = z.strictObject({
  type: z.literal('nats'),
  name: sinkName,
  servers: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]),
  subject: z.string().regex(/^[^\s*>]+$/, 'expected a concrete subject (no spaces or wildcards)'),
  types: eventTypes,
});

/** One entry of the EVENT_SINKS file. */
export const sinkSchema = z.discriminatedUnion('type', [webhookSinkSchema, amqpSinkSchema, natsSinkSchema]);

/** The EVENT_SINKS file: a list of sinks with distinct names. */
export const sinksFileSchema = z.array(sinkSchema).superRefine((sinks, ctx) => {
  const seen = new Set<string>();
  sinks.forEach((sink, index) => {
    if (seen.has(sink.name)) {
      ctx.addIssue({ code: 'custom', path: [index, 'name'], message: 'duplicate sink name' });
    }
    seen.add(sink.name);
  });
});

/** A configured sink. */
export type SinkConfig = z.output<typeof sinkSchema>;
/** A webhook sink. */
export type WebhookSinkConfig = z.output<typeof webhookSinkSchema>;
/** An AMQP sink. */
export type AmqpSinkConfig = z.output<typeof amqpSinkSchema>;
/** A NATS JetStream sink. */
export type NatsSinkConfig = z.output<typeof natsSinkSchema>;

function entryLabel(input: unknown, index: unknown): string {
  if (typeof index !== 'number') return '(file)';
  const entry = Array.isArray(input) ? (input[index] as unknown) : undefined;
  const name =
    entry && typeof entry === 'object' && typeof (entry as { name?: unknown }).name === 'string'
      ? ` "${(entry as { name: string }).name}"`
      : '';
  return `sinks[${index}]${name}`;
}

/** Validates parsed JSON as the sink list; throws {@link SinksConfigError} naming entry and field, never a value. */
export function parseSinks(input: unknown): SinkConfig[] {
  const parsed = sinksFileSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  throw new SinksConfigError(
    parsed.error.issues.map((issue) => ({
      entry: entryLabel(input, issue.path[0]),
      field: issue.path.slice(1).join('.') || '(entry)',
      reason: issue.message,
    })),
  );
}

/** Reads and validates the EVENT_SINKS file. */
export function loadSinks(file: string): SinkConfig[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new SinksConfigError([
      {
        entry: '(file)',
        field: 'EVENT_SINKS',
        reason: `cannot read: ${(error as NodeJS.ErrnoException).code}`,
      },
    ]);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new SinksConfigError([{ entry: '(file)', field: 'EVENT_SINKS', reason: 'not valid JSON' }]);
  }
  return parseSinks(json);
}

/** Whether a sink takes events of this type. */
export function sinkWants(sink: SinkConfig, type: string): boolean {
  return sink.types === undefined || sink.types.includes(type);
}
