import type { RuleFailure } from './field-error';
import { describeCharacters, describeString } from './describe-value';

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2] as const;
const FORMAT = /^\d{7}-\d$/;

/** An example of a valid business id, used in messages (Nokia Oyj's, which is public). */
export const EXAMPLE_BUSINESS_ID = '0112038-9';

/**
 * The check digit of a Finnish business id (Y-tunnus) from its first seven digits, or `undefined`
 * when none exists (the weighted sum leaves remainder 1, so such ids are never issued).
 */
export function businessIdCheckDigit(sevenDigits: string): number | undefined {
  let sum = 0;
  for (let i = 0; i < 7; i++) sum += (sevenDigits.charCodeAt(i) - 48) * WEIGHTS[i]!;
  const remainder = sum % 11;
  if (remainder === 0) return 0;
  if (remainder === 1) return undefined;
  return 11 - remainder;
}

/** Checks a business id's format `NNNNNNN-C` and check digit; the failure says which digit was expected. */
export function checkBusinessId(value: string): RuleFailure {
  if (!FORMAT.test(value)) {
    return {
      code: 'BUSINESS_ID_FORMAT',
      message: `expected a Finnish business id: 7 digits, a hyphen and a check digit (e.g. ${EXAMPLE_BUSINESS_ID}), found ${describeString(value)} of ${describeCharacters(value)}${value.includes('-') ? '' : ' without a hyphen'}`,
    };
  }
  const body = value.slice(0, 7);
  const given = value.charCodeAt(8) - 48;
  const expected = businessIdCheckDigit(body);
  if (expected === undefined) {
    return {
      code: 'BUSINESS_ID_CHECK_DIGIT',
      message: `business id ${value} cannot be valid: the weighted sum of ${body} leaves remainder 1 modulo 11, for which no check digit exists`,
    };
  }
  if (expected !== given) {
    return {
      code: 'BUSINESS_ID_CHECK_DIGIT',
      message: `business id ${value} has a wrong check digit: for ${body} the check digit should be ${expected}, found ${given}`,
    };
  }
  return undefined;
}

/** Whether a string is a valid Finnish business id (format and check digit). */
export function isValidBusinessId(value: string): boolean {
  return checkBusinessId(value) === undefined;
}

/** The Finnish VAT number of a business id: `FI` followed by its eight digits, e.g. 0112038-9 → FI01120389. */
export function finnishVatNumber(businessId: string): string {
  return `FI${businessId.replace('-', '')}`;
}
