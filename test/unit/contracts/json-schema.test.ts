import fs from 'node:fs';
import { renderJsonSchema, SCHEMA_FILE } from '../../../scripts/generate-json-schema';

describe('docs/create-profile.schema.json', () => {
  it('is up to date with the zod schema (run `npm run schema`)', () => {
    expect(fs.readFileSync(SCHEMA_FILE, 'utf8')).toBe(renderJsonSchema());
  });

  it('rejects unknown keys and requires the two mandatory fields', () => {
    const schema = JSON.parse(renderJsonSchema());
    expect(schema.additionalProperties).toBe(false);
    expect(schema.required).toEqual(['customer_info', 'contact_person']);
    expect(schema.properties.customer_info.required).toEqual(['business_id']);
    expect(schema.properties.contact_person.required).toEqual(['email']);
    expect(schema.properties.users.items.additionalProperties).toBe(false);
    expect(schema.properties.settlement_settings.properties.reference_length).toMatchObject({
      type: 'integer',
      minimum: 4,
      maximum: 20,
    });
  });
});
