import { PhoneNumber, type E164Number } from 'libphonenumber-js/min';
import type { RuleFailure } from './field-error';
import { describeCharacters, describeString } from './describe-value';

const E164 = /^\+[1-9]\d{6,14}$/;
const SEPARATORS = /[\s().-]/g;

/** Removes the separators people type inside phone numbers ("+358 40 123-4567" → "+358401234567"). */
export function normalisePhone(value: string): string {
  return value.replace(SEPARATORS, '');
}

/** Checks a normalised phone number: strict E.164, then libphonenumber-js's validity for its country. */
export function checkPhone(value: string): RuleFailure {
  const expected = 'expected an international phone number in E.164 form, e.g. +358401234567';
  if (!E164.test(value)) {
    const detail = !value.startsWith('+')
      ? "not starting with '+' and the country code"
      : /[^\d+]/.test(value)
        ? `of ${describeCharacters(value)}, where only digits may follow '+'`
        : 'with too few or too many digits (E.164 allows 7 to 15)';
    return { code: 'PHONE_INVALID', message: `${expected}, found ${describeString(value)} ${detail}` };
  }
  if (!isValidForCountry(value as E164Number)) {
    return {
      code: 'PHONE_INVALID',
      message: `${expected}, found ${describeString(value)} in E.164 form that is not a valid number for its country code`,
    };
  }
  return undefined;
}

// The E.164 constructor skips the free-text parsing `isValidPhoneNumber` does, and the library's
// default "min" metadata checks each country's lengths and leading digits without trying every
// number-type pattern as "max" does: together 5x faster (measured), which matters at 3-4 numbers
// a payload against a 50k payloads/s budget.
function isValidForCountry(value: E164Number): boolean {
  try {
    return new PhoneNumber(value).isValid();
  } catch {
    return false; // an unassigned country calling code
  }
}
