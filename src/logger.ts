import { isSpanContextValid, trace } from '@opentelemetry/api';
import winston from 'winston';

/** The logger every component receives; winston's, so levels and child loggers work as usual. */
export type Logger = winston.Logger;

/** What a redacted value is replaced with. */
export const REDACTED = '[redacted]';

// Keys whose values are personal data or secrets wherever they appear. `business_id` is public
// (the trade register) and is what operators search logs by, so it stays.
const SENSITIVE_KEY =
  /(e-?mail|phone|telephone|mobile|^name$|first_?name|last_?name|full_?name|owner|iban|bank_account|account_number|token|apicode|api_?key|password|passwd|secret|authorization|cookie|street|address|www|wizard_?url|users|payload|body)$/i;
const KEEP_KEYS = new Set(['businessId', 'business_id', 'jobId', 'eventId', 'name_length']);

/**
 * Values that look like personal data or secrets even under an innocent key (an error message that
 * echoes an input, say); exported so a test holds {@link redactString}'s pre-check to them.
 */
export const SENSITIVE_VALUE_PATTERNS: readonly RegExp[] = [
  /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g, // e-mail
  /eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g, // JWT
  /\bBearer\s+[A-Za-z0-9._~+/=-]+/gi, // Authorization header value
  /\b[A-Z]{2}\d{2}(?:\s?[A-Z0-9]{4}){2,7}(?:\s?[A-Z0-9]{1,4})?\b/g, // IBAN
  /\+\d[\d\s-]{6,16}\d/g, // E.164-ish phone number
];

// Every pattern above needs one of these to match, so a string without any (most log values: ids,
// counts, codes) skips the five scans. Case matters as it does in the patterns: a hex job id has
// letters before digits, but not two capitals.
const MIGHT_BE_SENSITIVE = /[@+]|eyJ|[A-Z]{2}\d{2}/;
const MIGHT_BE_BEARER = /bearer/i;

/** Masks personal data and secrets inside a string. */
export function redactString(value: string): string {
  if (!MIGHT_BE_SENSITIVE.test(value) && !MIGHT_BE_BEARER.test(value)) return value;
  let out = value;
  for (const pattern of SENSITIVE_VALUE_PATTERNS) out = out.replace(pattern, REDACTED);
  return out;
}

/** Returns a deep copy of a log value with personal data and secrets replaced; never mutates. */
export function redact(value: unknown, seen = new WeakSet<object>()): unknown {
  if (typeof value === 'string') return redactString(value);
  if (value === null || typeof value !== 'object') return value;
  if (seen.has(value)) return '[circular]';
  seen.add(value);
  if (Array.isArray(value)) return value.map((item) => redact(item, seen));
  if (value instanceof Error) {
    return {
      name: value.name,
      message: redactString(value.message),
      code: (value as { code?: unknown }).code,
    };
  }
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    out[key] = !KEEP_KEYS.has(key) && SENSITIVE_KEY.test(key) ? REDACTED : redact(inner, seen);
  }
  return out;
}

// winston keeps level and message under Symbol keys too; redact the visible fields and keep the symbols.
const redactionFormat = winston.format((info) => {
  for (const key of Object.keys(info)) {
    if (key === 'level') continue;
    const value = info[key];
    info[key] =
      key !== 'message' && !KEEP_KEYS.has(key) && SENSITIVE_KEY.test(key) ? REDACTED : redact(value);
  }
  return info;
});

// With tracing on, a line written inside a span names it, so a log search leads to the trace.
// With tracing off there is no active span and this costs one context lookup.
const traceContextFormat = winston.format((info) => {
  const context = trace.getActiveSpan()?.spanContext();
  if (context && isSpanContextValid(context)) {
    info.trace_id = context.traceId;
    info.span_id = context.spanId;
  }
  return info;
});

/** Options for {@link createLogger}. */
export interface LoggerOptions {
  level?: string;
  /** Where lines go; defaults to stdout. Tests pass a stream to read what was logged. */
  stream?: NodeJS.WritableStream;
  /** Fields on every line, e.g. `{ role: 'worker' }`. */
  defaultMeta?: Record<string, unknown>;
}

/** Creates a winston logger writing one redacted JSON object per line. */
export function createLogger(options: LoggerOptions = {}): Logger {
  const transport = options.stream
    ? new winston.transports.Stream({ stream: options.stream })
    : new winston.transports.Console();
  const logger = winston.createLogger({
    level: options.level ?? 'info',
    defaultMeta: options.defaultMeta,
    format: winston.format.combine(
      winston.format.errors({ stack: false }),
      redactionFormat(),
      traceContextFormat(),
      winston.format.timestamp(),
      winston.format.json(),
    ),
    transports: [transport],
  });
  gateFilteredLevels(logger);
  return logger;
}

/**
 * winston runs the whole format chain (meta merge, redaction, timestamp, JSON) for every call and
 * only then lets the transport drop a filtered level: about 5 µs per filtered debug line on the
 * worker's hot path. Each level method checks the level first instead. Own properties on the
 * instance, calling the prototype's method on `this`, so child loggers (which inherit from the
 * instance) keep their own metadata, and a later change of `logger.level` still applies.
 */
function gateFilteredLevels(logger: Logger): void {
  const methods = logger as unknown as Record<string, (...args: unknown[]) => Logger>;
  for (const level of Object.keys(logger.levels)) {
    const write = methods[level];
    if (typeof write !== 'function') continue;
    methods[level] = function gated(this: Logger, ...args: unknown[]): Logger {
      return this.isLevelEnabled(level) ? write.apply(this, args) : this;
    };
  }
}
