import fs from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../errors/config-error';
import { buildProgram } from './program';

/** The package version, found by walking up from this file (src/cli in a checkout, dist/src/cli in the image). */
export function packageVersion(): string {
  let dir = __dirname;
  for (let i = 0; i < 5; i++) {
    const file = path.join(dir, 'package.json');
    if (fs.existsSync(file)) {
      const pkg = JSON.parse(fs.readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'ropo-onboarding' && pkg.version) return pkg.version;
    }
    dir = path.dirname(dir);
  }
  return 'unknown';
}

/** Entry point of `bin/onboarding.js`: runs the command and turns expected failures into a message and exit 1. */
export function main(argv: string[]): void {
  // `onboarding stats | head -1`: the reader left, which is the user's choice, not a failure.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE') process.exit(0);
      throw error;
    });
  }
  buildProgram()
    .version(packageVersion(), '-V, --version', 'print the version')
    .parseAsync(argv)
    .catch((error: unknown) => {
      if (error instanceof ConfigError) {
        process.stderr.write(`${error.message}\n`);
      } else {
        const e = error as { code?: string; message?: string };
        process.stderr.write(`onboarding: ${e.code ? `${e.code}: ` : ''}${e.message ?? String(error)}\n`);
      }
      process.exit(1);
    });
}
