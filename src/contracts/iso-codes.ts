import { getAlpha2Codes, getAlpha3Codes } from 'i18n-iso-countries';
import type { RuleFailure } from './field-error';
import { describeString } from './describe-value';
import { LANGUAGE_CODES, LANGUAGES } from './payload-assumptions';

const ALPHA2: ReadonlySet<string> = new Set(Object.keys(getAlpha2Codes()));
const ALPHA3: ReadonlySet<string> = new Set(Object.keys(getAlpha3Codes()));

/** Upper-cases a country code, so "fi" and "Fi" mean FI. */
export function normaliseCountryCode(value: string): string {
  return value.toUpperCase();
}

/** Checks an ISO 3166-1 alpha-2 country code (after upper-casing). */
export function checkCountry(value: string): RuleFailure {
  if (ALPHA2.has(value)) return undefined;
  return {
    code: 'COUNTRY_INVALID',
    message: `expected an ISO 3166-1 alpha-2 country code such as FI or SE, found ${describeString(value)}${value.length === 2 ? ' that is not an assigned code' : ''}`,
  };
}

/** Checks an ISO 3166-1 alpha-3 code used as a nationality (after upper-casing). */
export function checkNationality(value: string): RuleFailure {
  if (ALPHA3.has(value)) return undefined;
  return {
    code: 'NATIONALITY_INVALID',
    message: `expected an ISO 3166-1 alpha-3 country code such as FIN or SWE, found ${describeString(value)}${value.length === 3 ? ' that is not an assigned code' : ''}`,
  };
}

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
