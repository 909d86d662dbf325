import { getAlpha2Codes, getAlpha3Codes } from 'i18n-iso-countries';
import type { FieldErrorCode, RuleFailure } from './field-error';
import { codeRule, describeString } from './describe-value';
import { LANGUAGE_CODES, LANGUAGES } from './payload-assumptions';

const ALPHA2: ReadonlySet<string> = new Set(Object.keys(getAlpha2Codes()));
const ALPHA3: ReadonlySet<string> = new Set(Object.keys(getAlpha3Codes()));

/** Upper-cases a country code, so "fi" and "Fi" mean FI. */
export function normaliseCountryCode(value: string): string {
  return value.toUpperCase();
}

/** Checks an ISO 3166-1 alpha-2 or alpha-3 country code: one of `codes`, all of that `length`. */
const countryCodeRule = (code: FieldErrorCode, codes: ReadonlySet<string>, length: 2 | 3, examples: string) =>
  codeRule({
    code,
    accepts: (value) => codes.has(value),
    expected: `an ISO 3166-1 alpha-${length} country code such as ${examples}`,
    length,
    hint: 'that is not an assigned code',
  });

/** Checks an ISO 3166-1 alpha-2 country code (after upper-casing). */
export const checkCountry = countryCodeRule('COUNTRY_INVALID', ALPHA2, 2, 'FI or SE');

/** Checks an ISO 3166-1 alpha-3 code used as a nationality (after upper-casing). */
export const checkNationality = countryCodeRule('NATIONALITY_INVALID', ALPHA3, 3, 'FIN or SWE');

/** Maps an accepted language code to the three-letter one Ropo uses ("FI", "fi" → "fin"); others unchanged. */
export function normaliseLanguage(value: string): string {
  const lower = value.toLowerCase();
  return LANGUAGES.get(lower) ?? value;
}

/** Checks a normalised language code against the languages Ropo serves. */
export function checkLanguage(value: string): RuleFailure {
  if ((LANGUAGE_CODES as readonly string[]).includes(value)) return undefined;
  return {
    code: 'LANGUAGE_INVALID',
    message: `expected one of the language codes ${LANGUAGE_CODES.join(', ')} (ISO 639-2), found ${describeString(value)} that is not one of them`,
  };
}
