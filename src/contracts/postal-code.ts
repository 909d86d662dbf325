import type { RuleFailure } from './field-error';
import { describeCharacters, describeString } from './describe-value';

const FINNISH = /^\d{5}$/;
// Postal codes elsewhere vary (letters, spaces, hyphens: "SW1A 1AA", "1234-567"); only the
// character set and length are checked for them.
const ANY_COUNTRY = /^[A-Za-z0-9][A-Za-z0-9 -]{1,9}$/;

/** Checks a postal code for a country: five digits for Finland, a plausible code elsewhere. */
export function checkPostalCode(value: string, country: string): RuleFailure {
  if (country === 'FI') {
    if (FINNISH.test(value)) return undefined;
    return {
      code: 'POSTAL_CODE_INVALID',
      message: `expected a Finnish postal code of 5 digits such as 00100, found ${describeString(value)} of ${describeCharacters(value)}`,
    };
  }
  if (ANY_COUNTRY.test(value)) return undefined;
  return {
    code: 'POSTAL_CODE_INVALID',
    message: `expected a postal code of 2-10 letters, digits, spaces or hyphens, found ${describeString(value)} of ${describeCharacters(value)}`,
  };
}
