import fs from 'node:fs';

/** The columns of docs/reliability.md, plus whatever else the scenario counted. */
export interface ScenarioSummary {
  scenario: string;
  jobs: number;
  lost: number;
  /** Business ids Ropo One created more than once. */
  duplicates: number;
  /** Time from the last fault to the queue drained (or to the first job done, where stated). */
  recoverMs: number | null;
  [detail: string]: unknown;
}

/**
 * Prints the one-line summary every scenario ends with; with CHAOS_RESULTS set, also appends it as
 * JSON to that file, from which docs/reliability.md's table is written.
 */
export function reportScenario(summary: ScenarioSummary): void {
  const line = Object.entries(summary)
    .map(([key, value]) => `${key}=${typeof value === 'object' ? JSON.stringify(value) : String(value)}`)
    .join(' ');
  process.stdout.write(`[chaos] ${line}\n`);
  const file = process.env.CHAOS_RESULTS;
  if (file) fs.appendFileSync(file, `${JSON.stringify({ ...summary, at: new Date().toISOString() })}\n`);
}
