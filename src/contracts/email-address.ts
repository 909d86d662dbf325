import { z } from 'zod';
import type { RuleFailure } from './field-error';
import { describeString } from './describe-value';

// zod's own e-mail pattern (the one `z.email()` uses): practical rather than full RFC 5322,
// which is what a mail server at Ropo will accept too.
const EMAIL = z.regexes.email;

/** Checks an e-mail address; the failure names what is wrong with its shape, never the address. */
export function checkEmail(value: string): RuleFailure {
  if (EMAIL.test(value)) return undefined;
  return {
    code: 'EMAIL_INVALID',
    message: `expected an e-mail address such as name@example.com, found ${describeString(value)} ${emailDefect(value)}`,
  };
}

function emailDefect(value: string): string {
  const at = value.indexOf('@');
  if (at < 0) return "without '@'";
  if (value.indexOf('@', at + 1) >= 0) return "with more than one '@'";
  if (/\s/.test(value)) return 'containing spaces';
  if (at === 0) return "with nothing before '@'";
  const domain = value.slice(at + 1);
  if (domain.length === 0) return "with nothing after '@'";
  if (!domain.includes('.')) return "without a '.' in the domain after '@'";
  if (/[^\x20-\x7e]/.test(value)) return 'containing non-ASCII characters';
  return "whose characters or domain after '@' are not valid in an address";
}
