import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { configSchema } from '../../src/config';

/** The rows of README's configuration table: each variable named in the first cell, with its default cell. */
function readmeConfigRows(): Map<string, string> {
  const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
  const section = readme.slice(
    readme.indexOf('## Configuration'),
    readme.indexOf('\n## ', readme.indexOf('## Configuration') + 1),
  );
  const rows = new Map<string, string>();
  for (const line of section.split('\n')) {
    const cells = line.split('|');
    if (cells.length < 4) continue;
    for (const name of (cells[1] as string).matchAll(/`([A-Z][A-Z0-9_]+)`/g))
      rows.set(name[1] as string, (cells[2] as string).trim());
  }
  return rows;
}

describe("README's configuration table", () => {
  it('lists every variable the config schema reads, each with the default the schema applies', () => {
    const schema = z.toJSONSchema(configSchema as unknown as z.ZodType, {
      io: 'input',
      unrepresentable: 'any',
    }) as { properties: Record<string, { default?: unknown }> };
    const rows = readmeConfigRows();
    const missing = Object.keys(schema.properties).filter((name) => !rows.has(name));
    expect(missing).toEqual([]);
    const wrongDefaults = Object.entries(schema.properties)
      .filter(
        ([name, p]) =>
          p.default !== undefined && !(rows.get(name) as string).includes(`${String(p.default)}`),
      )
      .map(([name, p]) => `${name}: schema ${String(p.default)}, README ${rows.get(name)}`);
    expect(wrongDefaults).toEqual([]);
    // And nothing documented that the service does not read (the OpenTelemetry SDK reads OTEL_*).
    const unknown = [...rows.keys()].filter(
      (name) => !(name in schema.properties) && !name.startsWith('OTEL_'),
    );
    expect(unknown).toEqual([]);
  });
});
