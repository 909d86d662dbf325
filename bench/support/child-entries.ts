import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const REPO = path.join(__dirname, '..', '..');
// Inside the checkout (git-ignored), so packages resolve through its node_modules, which may be a
// symlink to another checkout's: nothing is written there.
const OUT_DIR = path.join(REPO, '.bench-build');

/** The Lua scripts are read at run time from `lua/` beside their module, as `npm run build` copies them. */
function copyLuaScripts(): void {
  const src = path.join(REPO, 'src');
  for (const entry of fs.readdirSync(src, { recursive: true })) {
    if (!String(entry).endsWith('.lua')) continue;
    const target = path.join(OUT_DIR, 'src', String(entry));
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.copyFileSync(path.join(src, String(entry)), target);
  }
}

let compiled = false;

/**
 * Compiles the child processes' entry points (and the src/ they import) with tsc, as the production image
 * does, so a worker's RSS and CPU are those of plain node on compiled JavaScript, not of a TypeScript loader.
 * The output sits in .bench-build/ of this checkout. Once per bench run.
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
  copyLuaScripts();
  compiled = true;
}

/** The compiled path of a child entry in bench/support, e.g. `childEntry('worker-process')`. */
export function childEntry(name: 'worker-process' | 'sandbox-process'): string {
  compileChildEntries();
  return path.join(OUT_DIR, 'bench', 'support', `${name}.js`);
}
