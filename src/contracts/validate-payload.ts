import type { z } from 'zod';
import { missingForCompleteProfile } from './complete-profile';
import { compileFastValidator, DEFER } from './fast-validator';
import type { FieldError } from './field-error';
import { isBlank, normaliseInput } from './normalise-input';
import { createProfileSchema, type OnboardingPayload } from './payload-schema';
import { defOf } from './zod-def';
import { toFieldErrors } from './zod-issues';

export type { FieldError, FieldErrorCode } from './field-error';
export { FIELD_ERROR_CODES } from './field-error';
export type { OnboardingPayload } from './payload-schema';
export { createProfileSchema } from './payload-schema';

/** The outcome of {@link validatePayload}: a normalised payload, or every problem found at once. */
export type PayloadValidation =
  | {
      ok: true;
      /** Trimmed and normalised, in the JSON shape Ropo documents; POST it as is. */
      payload: OnboardingPayload;
      /** true: every field of a complete profile is present and Ropo skips its wizard; false: Ropo e-mails a wizard link. */
      complete: boolean;
      businessId: string;
    }
  | { ok: false; errors: FieldError[] };

// "users.*" style keys → the fields that section accepts, read from the schema itself so the
// "did you mean" hints can never drift from it. Built once, never mutated.
function collectKnownKeys(schema: unknown, prefix: string, into: Map<string, readonly string[]>): void {
  let def = defOf(schema);
  while ((def.type === 'optional' || def.type === 'default') && def.innerType) def = defOf(def.innerType);
  if (def.type === 'array' && def.element) return collectKnownKeys(def.element, `${prefix}*.`, into);
  if (def.type !== 'object' || !def.shape) return;
  into.set(prefix, Object.keys(def.shape));
  for (const [key, inner] of Object.entries(def.shape)) collectKnownKeys(inner, `${prefix}${key}.`, into);
}

const KNOWN_KEYS: ReadonlyMap<string, readonly string[]> = (() => {
  const map = new Map<string, readonly string[]>();
  collectKnownKeys(createProfileSchema, '', map);
  return map;
})();

// Valid payloads, the common case, skip normaliseInput's copy and zod's per-field bookkeeping; the
// compiled path runs the same checks and treats blank fields as normaliseInput does (absent).
// Whatever it does not accept is normalised and parsed by zod, which reports every problem.
const FAST_PATH = compileFastValidator(createProfileSchema, { isAbsent: isBlank });

function knownKeysAt(path: readonly PropertyKey[]): readonly string[] | undefined {
  const prefix = path.map((part) => (typeof part === 'number' ? '*.' : `${String(part)}.`)).join('');
  return KNOWN_KEYS.get(prefix);
}

/** Converts zod issues of {@link createProfileSchema} (parsed with `reportInput: true`) to field errors. */
export function fieldErrorsOf(issues: readonly z.core.$ZodIssue[]): FieldError[] {
  return toFieldErrors(issues, knownKeysAt);
}

// zod's default messages are replaced by ours anyway (they may echo input); skipping its locale
// formatting makes a failing parse a third cheaper (measured on random JSON).
const discardMessage = (): string => 'replaced by toFieldErrors';

/**
 * Validates and normalises a createprofile body. Never throws, whatever the input: every problem
 * comes back as a {@link FieldError} with a path, a stable code and a message free of personal data.
 */
export function validatePayload(input: unknown): PayloadValidation {
  try {
    const fast = FAST_PATH?.(input) ?? DEFER;
    let payload: OnboardingPayload;
    if (fast !== DEFER) {
      payload = fast as OnboardingPayload;
    } else {
      const body = normaliseInput(input, (prefix) => KNOWN_KEYS.get(prefix));
      const result = createProfileSchema.safeParse(body);
      if (!result.success) {
        // Parsed again to get each issue's input, from which messages describe what was found;
        // only failures pay for it (reportInput slows every parse, measured).
        const detailed = createProfileSchema.safeParse(body, { reportInput: true, error: discardMessage });
        return { ok: false, errors: fieldErrorsOf(detailed.error?.issues ?? result.error.issues) };
      }
      payload = result.data;
    }
    return {
      ok: true,
      payload,
      // With allowIncompleteData false the schema already required every field.
      complete: payload.allowIncompleteData === false || missingForCompleteProfile(payload).length === 0,
      businessId: payload.customer_info.business_id,
    };
  } catch (error) {
    // Only exotic inputs get here (a throwing getter, a revoked proxy); the error's text may hold
    // the input, so only its class is reported.
    return {
      ok: false,
      errors: [
        {
          path: '',
          code: 'INVALID',
          message: `expected a JSON object, found a value that could not be read (${error instanceof Error ? error.name : typeof error})`,
        },
      ],
    };
  }
}
