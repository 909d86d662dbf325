import { readFileSync } from 'node:fs';
import path from 'node:path';

const EXAMPLES = path.join(__dirname, '..', '..', '..', 'examples');

const cache = new Map<string, string>();

/** A fresh copy of one of the committed example payloads (`examples/<name>.json`); the file is read once. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests poke at arbitrary fields
export function example(name: 'customer' | 'customer-minimal' | 'invalid-customer'): Record<string, any> {
  let text = cache.get(name);
  if (text === undefined) {
    text = readFileSync(path.join(EXAMPLES, `${name}.json`), 'utf8');
    cache.set(name, text);
  }
  return JSON.parse(text);
}
