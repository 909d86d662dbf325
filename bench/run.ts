/**
 * Runs the benchmarks and records them in docs/bench.md: `npm run bench [-- <filter>...]`.
 *
 * Each `bench/<name>.bench.ts` exporting `run(): Promise<BenchSection>` runs in its own process
 * (no JIT state or open handles shared between benches) and its markdown replaces only its own
 * section of docs/bench.md, between `<!-- bench:<name>:start -->` and `<!-- bench:<name>:end -->`,
 * so running one bench keeps the others' results. A bench without a `run` export is a standalone
 * script that writes its own section in the same format; it is run as is.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** What a bench module's `run()` returns: a titled piece of markdown. */
export interface BenchSection {
  title: string;
  /** The results: tables, figures, notes. The runner adds the machine, date and command above it. */
  markdown: string;
}

const BENCH_DIR = __dirname;
const DOC = path.join(BENCH_DIR, '..', 'docs', 'bench.md');
const TSX_CLI = require.resolve('tsx/cli');

/** The bench files, each named by its section id (`validation` for validation.bench.ts). */
export function listBenches(dir = BENCH_DIR): { id: string; file: string }[] {
  return fs
    .readdirSync(dir)
    .filter((name) => name.endsWith('.bench.ts'))
    .sort()
    .map((name) => ({ id: name.slice(0, -'.bench.ts'.length), file: path.join(dir, name) }));
}

/** Replaces (or appends) one bench's section of the document, keeping every other section. */
export function replaceSection(document: string, id: string, markdown: string): string {
  const start = `<!-- bench:${id}:start -->`;
  const end = `<!-- bench:${id}:end -->`;
  const block = `${start}\n${markdown.trim()}\n${end}`;
  const from = document.indexOf(start);
  const to = document.indexOf(end);
  if (from >= 0 && to > from) return `${document.slice(0, from)}${block}${document.slice(to + end.length)}`;
  return `${document.trimEnd()}\n\n${block}\n`;
}

/** One line naming the machine the figures came from. */
export function describeMachine(): string {
  const cpus = os.cpus();
  return (
    `${cpus[0]?.model.trim() ?? 'unknown CPU'}, ${cpus.length} cores, ` +
    `${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM, ${os.type()} ${os.release()}, Node ${process.version}; ` +
    `load average ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' / ')} at the end`
  );
}

// `npm run lint` checks docs/ with prettier, so the document is written the way prettier would.
async function formatMarkdown(text: string): Promise<string> {
  const prettier = await import('prettier');
  const options = (await prettier.resolveConfig(DOC)) ?? {};
  return prettier.format(text, { ...options, parser: 'markdown' });
}

function exportsRun(file: string): boolean {
  return /export\s+(async\s+)?function\s+run\s*\(/.test(fs.readFileSync(file, 'utf8'));
}

/** In the child: import one bench, run it, and leave its section as JSON in `outFile`. */
async function runChild(file: string, outFile: string): Promise<void> {
  const mod = (await import(file)) as { run?: () => Promise<BenchSection> };
  if (typeof mod.run !== 'function') throw new Error(`${file} does not export run()`);
  const section = await mod.run();
  fs.writeFileSync(outFile, JSON.stringify(section));
}

function runBench(bench: { id: string; file: string }, command: string): string | undefined {
  if (!exportsRun(bench.file)) {
    const child = spawnSync(process.execPath, [TSX_CLI, bench.file], { stdio: 'inherit' });
    if (child.status !== 0) throw new Error(`${bench.id}: exited with ${child.status ?? child.signal}`);
    return undefined; // it wrote its own section
  }
  const outFile = path.join(os.tmpdir(), `bench-${bench.id}-${process.pid}.json`);
  try {
    const child = spawnSync(process.execPath, [TSX_CLI, __filename, '--child', bench.file, outFile], {
      stdio: 'inherit',
    });
    if (child.status !== 0) throw new Error(`${bench.id}: exited with ${child.status ?? child.signal}`);
    const section = JSON.parse(fs.readFileSync(outFile, 'utf8')) as BenchSection;
    return [
      `## ${section.title}`,
      '',
      `Measured ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC with \`${command}\` on ${describeMachine()}.`,
      '',
      section.markdown.trim(),
    ].join('\n');
  } finally {
    fs.rmSync(outFile, { force: true });
  }
}

async function main(argv: string[]): Promise<void> {
  if (argv[0] === '--child') return runChild(argv[1]!, argv[2]!);
  const filters = argv.filter((arg) => !arg.startsWith('-'));
  const benches = listBenches().filter((b) => filters.length === 0 || filters.some((f) => b.id.includes(f)));
  if (benches.length === 0) throw new Error(`no bench matches ${filters.join(', ')}`);
  for (const bench of benches) {
    const command = `npm run bench -- ${bench.id}`;
    process.stderr.write(`bench ${bench.id}…\n`);
    const markdown = runBench(bench, command);
    if (markdown === undefined) continue;
    const current = fs.existsSync(DOC) ? fs.readFileSync(DOC, 'utf8') : '# Benchmarks\n';
    fs.mkdirSync(path.dirname(DOC), { recursive: true });
    fs.writeFileSync(DOC, await formatMarkdown(replaceSection(current, bench.id, markdown)));
    process.stderr.write(`bench ${bench.id}: written to docs/bench.md\n`);
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    process.stderr.write(`bench: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
