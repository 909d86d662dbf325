import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { ConfigError } from '../errors/config-error';
import { redactString } from '../logger';
import { buildProgram, subcommandOf } from './program';

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

// Commands that run until stopped: their output is read by log shippers, so a failure is a JSON line too.
// `sandbox` is left out: it prints human text for a person at a terminal.
const LONG_RUNNING = new Set(['start', 'worker', 'serve', 'deliver', 'bridge amqp', 'bridge nats']);

function commandPath(command: Command): string {
  const names: string[] = [];
  for (let c: Command | null = command; c?.parent; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

/** The one JSON line a long-running command's failure is: its code, message and the variables a ConfigError names. */
export function failureLine(error: unknown, role: string): string {
  const e = error as { code?: string; message?: string; variable?: string; port?: number };
  return JSON.stringify({
    level: 'error',
    message: redactString(e.message ?? String(error)),
    code: e.code,
    variable: e.variable,
    port: e.port,
    problems: error instanceof ConfigError ? error.problems : undefined,
    role,
    timestamp: new Date().toISOString(),
  });
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
  let running = '';
  buildProgram(subcommandOf(argv))
    .version(packageVersion(), '-V, --version', 'print the version')
    .hook('preAction', (_program, action) => void (running = commandPath(action)))
    .parseAsync(argv)
    .catch((error: unknown) => {
      if (LONG_RUNNING.has(running)) {
        process.stderr.write(`${failureLine(error, running)}\n`);
      } else if (error instanceof ConfigError) {
        process.stderr.write(`${error.message}\n`);
      } else {
        const e = error as { code?: string; message?: string };
        process.stderr.write(`onboarding: ${e.code ? `${e.code}: ` : ''}${e.message ?? String(error)}\n`);
      }
      process.exit(1);
    });
}
