import { resolve } from 'node:path';
import { ConfigError } from '../errors/config-error';
import type { IntakeMapper } from './read-message';

/** Loads INTAKE_MAPPER (a path from the working directory); its default or `map` export must be a function. */
export function loadIntakeMapper(path: string | undefined): IntakeMapper | undefined {
  if (path === undefined) return undefined;
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a module named by configuration, loaded once at start-up
  const loaded = require(resolve(path)) as { default?: unknown; map?: unknown } | ((e: unknown) => unknown);
  const candidate = typeof loaded === 'function' ? loaded : (loaded.default ?? loaded.map);
  if (typeof candidate !== 'function') {
    throw new ConfigError([
      { variable: 'INTAKE_MAPPER', reason: 'the module must export a function (default or `map`)' },
    ]);
  }
  return candidate as IntakeMapper;
}
