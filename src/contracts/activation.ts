import { z } from 'zod';
import type { FieldError } from './field-error';
import { toFieldErrors } from './zod-issues';

const idText = (max: number) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    .regex(/^[A-Za-z0-9._-]*$/, { message: 'expected letters, digits, ".", "_" or "-"' });

/**
 * The body Ropo One POSTs to the APIkey endpoint: `{"bid", "external-id", "cid", "apicode"}`.
 * Unknown keys are ignored, not refused (see ACTIVATION_UNKNOWN_KEYS_IGNORED): refusing would
 * answer 4xx forever and lose the credential.
 */
export const activationBodySchema = z.object({
  bid: idText(64),
  'external-id': z
    .union([z.string().trim().toLowerCase().uuid(), z.literal(''), z.null()])
    .optional()
    .transform((v) => (v ? v : undefined)),
  // Documented as a string; a number is turned into one (as createprofile's customerId).
  cid: z.union([idText(64), z.number().int().nonnegative().transform(String)]),
  apicode: z.string().min(1).max(1024),
});

/** A parsed activation body. */
export type ActivationBody = z.output<typeof activationBodySchema>;

/** Parses an activation body; never echoes a value (least of all the apicode). */
export function parseActivationBody(
  input: unknown,
): { ok: true; body: ActivationBody; ignoredKeys: string[] } | { ok: false; errors: FieldError[] } {
  const parsed = activationBodySchema.safeParse(input, { reportInput: true });
  if (!parsed.success) return { ok: false, errors: toFieldErrors(parsed.error.issues) };
  const known = new Set(Object.keys(activationBodySchema.shape));
  const ignoredKeys = Object.keys(input as object).filter((k) => !known.has(k));
  return { ok: true, body: parsed.data, ignoredKeys };
}

/** How an activation was tied to one of our customers. */
export type MatchedBy = 'external-id' | 'bid' | null;

/** What {@link matchActivation} looks at: only ids, never the credential. */
export interface MatchInput {
  bid: string;
  externalId?: string;
  /** The business id we sent `externalId` as profile_uuid for, if we did. */
  businessIdOfExternalId?: string;
  /** The UUID v5 we would derive for `bid` (what we sent when the producer gave none). */
  derivedExternalId: string;
  /** Whether the ledger knows `bid` (created, pending or exists). */
  knownBusinessId: boolean;
}

/** The decision, with a stable reason code when it is not a match. */
export interface MatchDecision {
  matched: boolean;
  by: MatchedBy;
  reason?: 'EXTERNAL_ID_OF_OTHER_CUSTOMER' | 'UNKNOWN_CUSTOMER';
}

/**
 * Ties an activation to a customer: `external-id` first (the profile_uuid we sent, recorded or
 * derived), then the business id. An external-id we sent for another business id is never a match.
 */
export function matchActivation(input: MatchInput): MatchDecision {
  if (input.externalId) {
    if (input.businessIdOfExternalId !== undefined && input.businessIdOfExternalId !== input.bid) {
      return { matched: false, by: null, reason: 'EXTERNAL_ID_OF_OTHER_CUSTOMER' };
    }
    if (input.businessIdOfExternalId === input.bid || input.externalId === input.derivedExternalId) {
      return { matched: true, by: 'external-id' };
    }
  }
  if (input.knownBusinessId) return { matched: true, by: 'bid' };
  return { matched: false, by: null, reason: 'UNKNOWN_CUSTOMER' };
}
