import type { z } from 'zod';
import { closestKey } from './closest-key';
import { describeValue, plural } from './describe-value';
import { FIELD_ERROR_CODES, type FieldError, type FieldErrorCode } from './field-error';

// zod's default messages echo input ("received 'jane@…'") and are not a stable contract, so every
// message is written here from the issue's structured fields and the *shape* of the input only.
// Custom issues are ours: their message was already written without the value.

/** Looks up the keys a section accepts, for "did you mean" hints on unknown keys. */
export type KnownKeys = (path: readonly PropertyKey[]) => readonly string[] | undefined;

const NOUNS: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'an integer',
  boolean: 'true or false',
  object: 'an object',
  array: 'an array',
};

/** Joins a zod path as `users.0.email`. */
export function dottedPath(path: readonly PropertyKey[]): string {
  return path.map((part) => String(part)).join('.');
}

const KNOWN_CODES: ReadonlySet<string> = new Set(FIELD_ERROR_CODES);

/** Converts zod issues (parsed with `reportInput: true`) to value-free {@link FieldError}s. */
export function toFieldErrors(issues: readonly z.core.$ZodIssue[], knownKeys?: KnownKeys): FieldError[] {
  const errors: FieldError[] = [];
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      const known = knownKeys?.(issue.path) ?? [];
      for (const key of issue.keys) {
        const suggestion = closestKey(key, known);
        errors.push({
          path: dottedPath([...issue.path, key]),
          code: 'UNKNOWN_KEY',
          message: `unknown field "${key}": not part of Ropo's createprofile body${suggestion ? ` (did you mean "${suggestion}"?)` : ''}`,
        });
      }
      continue;
    }
    errors.push({ path: dottedPath(issue.path), ...describeIssue(issue) });
  }
  return errors;
}

function describeIssue(issue: z.core.$ZodIssue): { code: FieldErrorCode; message: string } {
  const found = describeValue(issue.input);
  switch (issue.code) {
    case 'custom': {
      const given = (issue.params as { code?: unknown } | undefined)?.code;
      const code =
        typeof given === 'string' && KNOWN_CODES.has(given) ? (given as FieldErrorCode) : 'INVALID';
      return { code, message: issue.message };
    }
    case 'invalid_type': {
      const expected = NOUNS[issue.expected] ?? `a value of type ${issue.expected}`;
      if (issue.input === undefined)
        return { code: 'REQUIRED', message: `required: expected ${expected}, found nothing` };
      if (issue.expected === 'int' && typeof issue.input === 'number') {
        return { code: 'NOT_INTEGER', message: `expected an integer, found ${found}` };
      }
      return { code: 'TYPE', message: `expected ${expected}, found ${found}` };
    }
    case 'too_big':
      return bound(issue.origin, 'at most', issue.maximum, found, 'TOO_LONG');
    case 'too_small':
      return bound(issue.origin, 'at least', issue.minimum, found, 'TOO_SHORT');
    case 'invalid_value':
      return {
        code: 'VALUE_INVALID',
        message: `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}, found ${found}`,
      };
    case 'invalid_format':
      return { code: 'INVALID', message: `expected a value in ${issue.format} format, found ${found}` };
    default:
      return { code: 'INVALID', message: `expected a valid value, found ${found}` };
  }
}

function bound(
  origin: string,
  limitWord: string,
  limit: number | bigint,
  found: string,
  lengthCode: FieldErrorCode,
): { code: FieldErrorCode; message: string } {
  const n = Number(limit);
  switch (origin) {
    case 'string':
      if (limitWord === 'at least' && n === 1)
        return { code: 'TOO_SHORT', message: `expected a non-empty string, found ${found}` };
      return { code: lengthCode, message: `expected ${limitWord} ${plural(n, 'character')}, found ${found}` };
    case 'array':
      return { code: lengthCode, message: `expected ${limitWord} ${plural(n, 'item')}, found ${found}` };
    default:
      return {
        code: 'OUT_OF_RANGE',
        message: `expected a number ${limitWord} ${n}, found ${limitWord === 'at most' ? 'a larger' : 'a smaller'} number`,
      };
  }
}
