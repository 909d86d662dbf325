import { readFileSync } from 'node:fs';
import path from 'node:path';

const EXAMPLES = path.join(__dirname, '..', '..', '..', 'examples');

/** A fresh copy of one of the committed example payloads (`examples/<name>.json`). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests poke at arbitrary fields
export function example(name: 'customer' | 'customer-minimal' | 'invalid-customer'): Record<string, any> {
  return JSON.parse(readFileSync(path.join(EXAMPLES, `${name}.json`), 'utf8'));
}
