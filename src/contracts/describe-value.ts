import type { FieldErrorCode, RuleFailure } from './field-error';

// Error messages must help someone fix the data without ever repeating it: these helpers
// describe the *shape* of a value (type, length, character classes) and never its content.

/** Describes a value's type and size without revealing it, e.g. "a string of 12 characters". */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (typeof value === 'string') return describeString(value);
  if (typeof value === 'number') return describeNumber(value);
  if (typeof value === 'boolean') return 'a boolean';
  if (Array.isArray(value)) return `an array of ${plural(value.length, 'item')}`;
  if (typeof value === 'object') return 'an object';
  return `a value of type ${typeof value}`;
}

/**
 * A check of a code-like string: `accepts` decides; a refusal says what was `expected` and the
 * value's shape, plus `hint` when the value already has the `length` an accepted one has (so the
 * length is right and the content is not).
 */
export function codeRule(rule: {
  code: FieldErrorCode;
  accepts: (value: string) => boolean;
  expected: string;
  length: number;
  hint: string;
}): (value: string) => RuleFailure {
  return (value) =>
    rule.accepts(value)
      ? undefined
      : {
          code: rule.code,
          message: `expected ${rule.expected}, found ${describeString(value)}${value.length === rule.length ? ` ${rule.hint}` : ''}`,
        };
}

/** "a string of 12 characters" (or "an empty string"). */
export function describeString(value: string): string {
  return value.length === 0 ? 'an empty string' : `a string of ${plural(value.length, 'character')}`;
}

function describeNumber(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return 'an infinite number';
  if (!Number.isInteger(value)) return 'a number with a fraction';
  return value < 0 ? 'a negative integer' : 'an integer';
}

/** Names the kinds of characters present, e.g. "letters and spaces", without revealing which. */
export function describeCharacters(value: string): string {
  const kinds: string[] = [];
  if (/\d/.test(value)) kinds.push('digits');
  if (/\p{L}/u.test(value)) kinds.push('letters');
  if (/\s/.test(value)) kinds.push('spaces');
  if (/[^\d\p{L}\s]/u.test(value)) kinds.push('other symbols');
  if (kinds.length <= 1) return kinds[0] ?? 'no characters';
  return `${kinds.slice(0, -1).join(', ')} and ${kinds[kinds.length - 1]}`;
}

/** "1 item", "3 items". */
export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
