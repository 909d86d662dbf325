import fs from 'node:fs';
import path from 'node:path';

/** docs/bench.md, where every bench writes its own section. */
export const BENCH_DOC = path.join(__dirname, '..', '..', 'docs', 'bench.md');

/**
 * Replaces this bench's section of docs/bench.md (between its start and end markers), leaving every other
 * bench's section as it is; appends the section when it is not there yet.
 */
export function writeDocSection(id: string, markdown: string, file = BENCH_DOC): void {
  const start = `<!-- bench:${id}:start -->`;
  const end = `<!-- bench:${id}:end -->`;
  const block = `${start}\n${markdown.trim()}\n${end}`;
  const current = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '# Benchmarks\n';
  const from = current.indexOf(start);
  const to = current.indexOf(end);
  const next =
    from >= 0 && to > from
      ? `${current.slice(0, from)}${block}${current.slice(to + end.length)}`
      : `${current.trimEnd()}\n\n${block}\n`;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, next);
}
