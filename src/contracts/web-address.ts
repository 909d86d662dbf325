import type { RuleFailure } from './field-error';
import { describeString } from './describe-value';

/** Adds `https://` to a bare host name ("www.example.fi" → "https://www.example.fi"), as people often write them. */
export function normaliseWebAddress(value: string): string {
  return /^[a-z][a-z0-9+.-]*:/i.test(value) ? value : `https://${value}`;
}

/** Checks an http(s) address with a dotted host name. */
export function checkWebAddress(value: string): RuleFailure {
  let url: URL | undefined;
  try {
    // One parse: canParse() and then the constructor parsed every valid address twice.
    url = new URL(value);
  } catch {
    // Not an absolute URL: url stays undefined.
  }
  if (url && (url.protocol === 'https:' || url.protocol === 'http:') && /\.[a-z]{2,}$/i.test(url.hostname)) {
    return undefined;
  }
  return {
    code: 'URL_INVALID',
    message: `expected a web address such as https://example.com, found ${describeString(value)} that is not an http(s) address with a domain name`,
  };
}
