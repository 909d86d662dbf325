import type { Spread } from './stats';

/** One line of the targets table. `pass` null = reported, no bound to meet. */
export interface TargetRow {
  target: string;
  measured: string;
  pass: boolean | null;
}

/** What one scenario contributes to docs/bench.md. */
export interface ScenarioReport {
  title: string;
  markdown: string;
  targets: TargetRow[];
}

/** A number with thousands separators and `digits` decimals. */
export function num(value: number, digits = 0): string {
  if (!Number.isFinite(value)) return 'n/a';
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** "median (min–max)", or just the value when there was one round. */
export function fmtSpread(s: Spread, digits = 0, unit = ''): string {
  const median = `${num(s.median, digits)}${unit}`;
  return s.min === s.max ? median : `${median} (${num(s.min, digits)}–${num(s.max, digits)})`;
}

/** Bytes as MB (10^6), the unit RSS targets are stated in. */
export function mb(bytes: number): string {
  return `${num(bytes / 1e6, 0)} MB`;
}

/** A markdown table. */
export function table(header: string[], rows: string[][]): string {
  return [
    `| ${header.join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
    ...rows.map((row) => `| ${row.join(' | ')} |`),
  ].join('\n');
}

/** PASS, MISS, or a dash for figures that are only reported. */
export function verdict(pass: boolean | null): string {
  return pass === null ? '—' : pass ? 'PASS' : 'MISS';
}
