/**
 * Writes docs/create-profile.schema.json from the zod schema: `npm run schema`. A jest test fails
 * when the committed file is out of date, so the published contract cannot drift from the code.
 */
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { createProfileSchema } from '../src/contracts/payload-schema';

/** Where the generated schema is committed. */
export const SCHEMA_FILE = path.join(__dirname, '..', 'docs', 'create-profile.schema.json');

/** The createprofile body as JSON Schema (draft 2020-12), as producers send it (before defaults). */
export function buildJsonSchema(): Record<string, unknown> {
  const { $schema, ...generated } = z.toJSONSchema(createProfileSchema, {
    io: 'input',
    target: 'draft-2020-12',
  });
  return {
    $schema,
    $id: 'https://ropo-onboarding.invalid/schemas/create-profile.schema.json',
    title: 'Ropo One POST /rest/profile/createprofile body',
    description:
      'Generated from src/contracts/payload-schema.ts by `npm run schema`; do not edit. It describes the ' +
      'canonical form. The service also trims strings, treats null, blank strings and empty arrays as absent, ' +
      'normalises case and separators (country, language, VAT, IBAN, phone, UUID), and enforces rules JSON Schema ' +
      'cannot express: business id check digit, VAT = FI + business id, IBAN mod-97, phone validity per country, ' +
      'Finnish postal codes, and with allowIncompleteData false every field of a complete profile.',
    ...generated,
  };
}

/** The file's exact text: two-space JSON and a final newline. */
export function renderJsonSchema(): string {
  return `${JSON.stringify(buildJsonSchema(), null, 2)}\n`;
}

if (require.main === module) {
  fs.mkdirSync(path.dirname(SCHEMA_FILE), { recursive: true });
  fs.writeFileSync(SCHEMA_FILE, renderJsonSchema());
  process.stdout.write(`wrote ${path.relative(process.cwd(), SCHEMA_FILE)}\n`);
}
