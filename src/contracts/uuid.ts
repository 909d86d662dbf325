import { codeRule } from './describe-value';

// RFC 9562 layout with a version digit 1-8 and the RFC variant, as zod's `z.uuid()` checks.
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** Lower-cases a UUID: Ropo echoes it back as `external-id`, so one spelling must match later. */
export function normaliseUuid(value: string): string {
  return value.toLowerCase();
}

/** Checks a (lower-cased) RFC 9562 UUID. */
export const checkUuid = codeRule({
  code: 'UUID_INVALID',
  accepts: (value) => UUID.test(value),
  expected: 'a UUID such as a3029a45-2608-4c9c-a8ce-93fcbcb733a7',
  length: 36,
  hint: 'with the wrong characters or version',
});
