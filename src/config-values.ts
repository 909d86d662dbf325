import ms from 'ms';
import { z } from 'zod';
import { parseCredentialKeys } from './contracts/credential-cipher';

// The zod parsers of environment values that config.ts composes into its schema: one rule per kind
// of value, so every duration, list and URL variable is read (and refused) the same way.

/** Environment value parser (int). */
export const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

/** Environment value parser (bool). */
export const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'expected true or false' })
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

/** Environment value parser (list). */
export const list = z.string().transform((v) =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
);

/** Environment value parser (redisUrl). */
export const redisUrl = z.string().refine(
  (value) =>
    value
      .split(',')
      .map((s) => s.trim())
      .every((node) => /^rediss?:\/\/[^\s]+$/.test(node)),
  { message: 'expected redis://host:port or rediss://… (a comma-separated list of nodes for Cluster)' },
);

// The prefix must not contain ':' (BullMQ separates key parts with it); braces form a Cluster hash tag.
/** Environment value parser (queuePrefix). */
export const queuePrefix = z
  .string()
  .regex(
    /^(\{[A-Za-z0-9_-]+\}|[A-Za-z0-9_-]+)$/,
    'expected letters, digits, _ or -, optionally as one {hash-tag}',
  );

// A human duration ("3d", "90s", "500ms") read with `ms`; a bare number is milliseconds.
/** Environment value parser (duration). */
export const duration = z.string().transform((value, ctx) => {
  const parsed = /^\d+$/.test(value.trim()) ? Number(value) : ms(value as ms.StringValue);
  if (typeof parsed !== 'number' || !Number.isFinite(parsed) || parsed <= 0) {
    ctx.addIssue({ code: 'custom', message: 'expected a positive duration such as 500ms, 90s, 2h or 3d' });
    return z.NEVER;
  }
  return parsed;
});

// A retention: an age, optionally with a count ("30d" or "30d,100000"): whichever limit is reached first.
/** Environment value parser (retention). */
export const retention = z.string().transform((value, ctx) => {
  const [agePart = '', countPart, ...rest] = value.split(',').map((part) => part.trim());
  const age = /^\d+$/.test(agePart) ? Number(agePart) : ms(agePart as ms.StringValue);
  const count = countPart === undefined ? undefined : Number(countPart);
  const badCount = count !== undefined && (!Number.isInteger(count) || count < 1);
  if (rest.length > 0 || typeof age !== 'number' || !Number.isFinite(age) || age <= 0 || badCount) {
    ctx.addIssue({
      code: 'custom',
      message: 'expected an age, optionally with a count: e.g. 30d or 30d,100000',
    });
    return z.NEVER;
  }
  return { ageMs: age, count };
});

/** Environment value parser (httpUrl). */
export const httpUrl = z
  .string()
  .url({ message: 'expected an absolute http(s) URL including /rest, e.g. https://host/rest' })
  .refine((v) => /^https?:\/\//.test(v), { message: 'expected http:// or https://' })
  .transform((v) => v.replace(/\/+$/, ''));

/** Environment value parser (credentialKeys). */
export const credentialKeys = z.string().transform((value, ctx) => {
  try {
    return parseCredentialKeys(value);
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: (error as Error).message });
    return z.NEVER;
  }
});
