import { electronicFormatIBAN, isValidIBAN, validateIBAN, ValidationErrorsIBAN } from 'ibantools';
import type { RuleFailure } from './field-error';
import { describeString } from './describe-value';

/** An IBAN in electronic form: spaces removed, letters upper-cased ("FI21 1234…" → "FI211234…"). */
export function normaliseIban(value: string): string {
  return electronicFormatIBAN(value) ?? value;
}

// What each ibantools failure means, phrased so the message never needs the account number.
const REASONS: Partial<Record<ValidationErrorsIBAN, string>> = {
  [ValidationErrorsIBAN.NoIBANCountry]: 'that does not start with a known IBAN country code',
  [ValidationErrorsIBAN.WrongBBANLength]: "whose length is wrong for its country's IBAN",
  [ValidationErrorsIBAN.WrongBBANFormat]: "whose account part does not match its country's IBAN format",
  [ValidationErrorsIBAN.ChecksumNotNumber]: 'whose check digits (characters 3-4) are not digits',
  [ValidationErrorsIBAN.WrongIBANChecksum]: 'that fails the IBAN mod-97 check (a mistyped character?)',
  [ValidationErrorsIBAN.WrongAccountBankBranchChecksum]: "that fails its country's national account check",
};

/** Checks an (electronic-format) IBAN with ibantools: country, length, format and mod-97. */
export function checkIban(value: string): RuleFailure {
  if (isValidIBAN(value)) return undefined; // the cheaper check first; the reasons only on failure
  const result = validateIBAN(value);
  const reason = result.errorCodes.map((code) => REASONS[code]).find(Boolean) ?? 'that is not a valid IBAN';
  return {
    code: 'IBAN_INVALID',
    message: `expected an IBAN such as FI21 1234 5600 0007 85, found ${describeString(value)} ${reason}`,
  };
}
