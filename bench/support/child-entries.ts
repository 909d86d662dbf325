import { spawnSync } from 'node:child_process';
import path from 'node:path';

const REPO = path.join(__dirname, '..', '..');
const OUT_DIR = path.join(REPO, 'node_modules', '.cache', 'ropo-bench');

let compiled = false;

/**
 * Compiles the child processes' entry points (and the src/ they import) with tsc, as the production image
 * does, so a worker's RSS and CPU are those of plain node on compiled JavaScript, not of a TypeScript loader.
 * The output sits under node_modules/ so that package imports resolve. Once per bench run.
 */
export function compileChildEntries(): void {
  if (compiled) return;
  const tsc = require.resolve('typescript/bin/tsc');
  const result = spawnSync(
    process.execPath,
    [tsc, '-p', path.join(REPO, 'bench', 'tsconfig.processes.json')],
    {
      stdio: 'inherit',
    },
  );
  if (result.status !== 0)
    throw new Error(`tsc failed compiling the bench's child processes (${result.status})`);
  compiled = true;
}

/** The compiled path of a child entry in bench/support, e.g. `childEntry('worker-process')`. */
export function childEntry(name: 'worker-process' | 'sandbox-process'): string {
  compileChildEntries();
  return path.join(OUT_DIR, 'bench', 'support', `${name}.js`);
}
