import { z } from 'zod';
import { RopoUnexpectedResponseError } from '../errors/ropo-unexpected-response-error';
import { redactString } from '../logger';
import { PENDING_DISTINCT_KEYS } from './assumptions';

/** A successful createprofile answer: the profile exists now, or Ropo's wizard will collect the rest. */
export type CreateProfileResult =
  | { outcome: 'created'; customerId: string | null; message: string | null; status: string | null }
  | {
      outcome: 'pending';
      uuid: string | null;
      wizardUrl: string | null;
      message: string | null;
      status: string | null;
    };

const nullableString = z
  .string()
  .nullable()
  .optional()
  .transform((v) => v ?? null);

/** `NewCustomerResultRest {customerId, message, status}`; customerId tolerated as a number (an assumption). */
const newCustomerResultSchema = z.object({
  customerId: z
    .union([z.string(), z.number().transform(String)])
    .nullable()
    .transform((v) => v ?? null),
  message: nullableString,
  status: nullableString,
});

/** `IncompleteCustomerResult {uuid, status, message, wizard_url}`. */
const incompleteCustomerResultSchema = z.object({
  uuid: nullableString,
  wizard_url: nullableString,
  message: nullableString,
  status: nullableString,
});

function unexpected(reason: string, status: number): RopoUnexpectedResponseError {
  // A 2xx means Ropo probably acted on the request; the queue's next attempt would meet a duplicate.
  return new RopoUnexpectedResponseError(
    `Ropo One createprofile answered ${status} with ${redactString(reason)}`,
    { status, outcomeUnknown: true },
  );
}

const isTextOrNone = (value: unknown): value is string | null | undefined =>
  value === undefined || value === null || typeof value === 'string';

/**
 * The answers Ropo One sends, fields of the plain types the schemas accept, built without zod's
 * per-parse bookkeeping (about 3% of a worker's CPU per job, profiled); `undefined` for anything
 * else, which the schemas judge. Tested against them as a property.
 */
function quickResult(body: Record<string, unknown>, pending: boolean): CreateProfileResult | undefined {
  const { message, status } = body;
  if (!isTextOrNone(message) || !isTextOrNone(status)) return undefined;
  if (pending) {
    const { uuid, wizard_url: wizardUrl } = body;
    if (!isTextOrNone(uuid) || !isTextOrNone(wizardUrl)) return undefined;
    return {
      outcome: 'pending',
      uuid: uuid ?? null,
      wizardUrl: wizardUrl ?? null,
      message: message ?? null,
      status: status ?? null,
    };
  }
  const { customerId } = body;
  if (typeof customerId !== 'string' && customerId !== null) return undefined;
  return { outcome: 'created', customerId, message: message ?? null, status: status ?? null };
}

/** Parses a 2xx createprofile body into one of the two documented shapes; anything else throws ROPO_UNEXPECTED_RESPONSE. */
export function parseCreateProfileBody(body: unknown, status = 200): CreateProfileResult {
  if (body !== null && typeof body === 'object' && !Array.isArray(body)) {
    const fields = body as Record<string, unknown>;
    const pending = PENDING_DISTINCT_KEYS.some((key) => Object.hasOwn(fields, key));
    if (pending || Object.hasOwn(fields, 'customerId')) {
      const quick = quickResult(fields, pending);
      if (quick) return quick;
    }
  }
  return parseWithSchemas(body, status);
}

/** {@link parseCreateProfileBody} by the zod schemas alone, which judge every answer the quick path does not take. */
export function parseWithSchemas(body: unknown, status = 200): CreateProfileResult {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    const what =
      typeof body === 'string' ? 'a non-JSON body' : `a JSON ${Array.isArray(body) ? 'array' : typeof body}`;
    throw unexpected(what, status);
  }
  const keys = Object.keys(body);
  if (PENDING_DISTINCT_KEYS.some((key) => keys.includes(key))) {
    const parsed = incompleteCustomerResultSchema.safeParse(body);
    if (!parsed.success) throw unexpected('a malformed IncompleteCustomerResult', status);
    const { uuid, wizard_url, message, status: resultStatus } = parsed.data;
    return { outcome: 'pending', uuid, wizardUrl: wizard_url, message, status: resultStatus };
  }
  if (keys.includes('customerId')) {
    const parsed = newCustomerResultSchema.safeParse(body);
    if (!parsed.success) throw unexpected('a malformed NewCustomerResultRest', status);
    const { customerId, message, status: resultStatus } = parsed.data;
    return { outcome: 'created', customerId, message, status: resultStatus };
  }
  throw unexpected(`an object of neither shape (keys: ${keys.slice(0, 10).join(', ') || 'none'})`, status);
}
