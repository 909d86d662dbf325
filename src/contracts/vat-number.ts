import type { RuleFailure } from './field-error';
import { describeCharacters, describeString } from './describe-value';
import { finnishVatNumber, isValidBusinessId } from './finnish-business-id';

const ANY_VAT = /^[A-Z]{2}[A-Z0-9+*]{2,13}$/;

/** Writes a VAT number the way registers do: upper case, no spaces, dots or hyphens ("fi 0112 0389" → "FI01120389"). */
export function normaliseVatNumber(value: string): string {
  return value.replace(/[\s.-]/g, '').toUpperCase();
}

/** Checks a VAT number's general shape: a two-letter country prefix and 2-13 characters. */
export function checkVatFormat(value: string): RuleFailure {
  if (ANY_VAT.test(value)) return undefined;
  return {
    code: 'VAT_FORMAT',
    message: `expected a VAT number: a two-letter country prefix and its digits, e.g. FI01120389, found ${describeString(value)} of ${describeCharacters(value)}`,
  };
}

/**
 * Checks that a Finnish company's VAT number is FI + its business id's 8 digits. Both are public
 * register data, so the message may state the expected number.
 */
export function checkFinnishVatMatches(vatNumber: string, businessId: string): RuleFailure {
  if (!isValidBusinessId(businessId)) return undefined; // the business id's own error says enough
  const expected = finnishVatNumber(businessId);
  if (vatNumber === expected) return undefined;
  return {
    code: 'VAT_MISMATCH',
    message: `expected the Finnish VAT number of business id ${businessId}, which is ${expected} (FI + its 8 digits), found ${vatNumber.startsWith('FI') ? 'a different FI number' : 'a number without the FI prefix'}`,
  };
}
