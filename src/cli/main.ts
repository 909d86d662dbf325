import { ConfigError } from '../errors/config-error';
import { buildProgram } from './program';

/** Entry point of `bin/onboarding.js`: runs the command and turns expected failures into a message and exit 1. */
export function main(argv: string[]): void {
  buildProgram()
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
