import type { Command } from 'commander';
import { validatePayload, type FieldError } from '../../contracts/validate-payload';
import { readRecords, splitEnvelope } from '../read-records';

/** The verdict on one record of the input, as `--json` prints it. */
export interface RecordVerdict {
  /** 1-based position among the records read. */
  record: number;
  /** Line number for NDJSON input. */
  line?: number;
  ok: boolean;
  /** For a valid record: true when Ropo will skip its wizard, false when it will e-mail a link. */
  complete?: boolean;
  businessId?: string;
  errors?: FieldError[];
}

/** Validates every record of a JSON, JSON-array or NDJSON input; one bad record never hides the others. */
export async function validateRecords(source: string): Promise<RecordVerdict[]> {
  const records = await readRecords(source);
  return records.map((entry, index): RecordVerdict => {
    const base = { record: index + 1, ...(entry.line === undefined ? {} : { line: entry.line }) };
    if (entry.error !== undefined) {
      return { ...base, ok: false, errors: [{ path: '', code: 'JSON_INVALID', message: entry.error }] };
    }
    const result = validatePayload(splitEnvelope(entry.value).payload);
    return result.ok
      ? { ...base, ok: true, complete: result.complete, businessId: result.businessId }
      : { ...base, ok: false, errors: result.errors };
  });
}

function describeRecord(verdict: RecordVerdict): string {
  return verdict.line === undefined
    ? `record ${verdict.record}`
    : `record ${verdict.record} (line ${verdict.line})`;
}

/** Human-readable report: one line per valid record, one indented line per error, then a summary. */
export function formatVerdicts(verdicts: readonly RecordVerdict[]): string {
  const lines: string[] = [];
  for (const verdict of verdicts) {
    if (verdict.ok) {
      const mode = verdict.complete
        ? 'complete: Ropo skips the onboarding wizard'
        : 'partial: Ropo e-mails an onboarding link';
      lines.push(`${describeRecord(verdict)}: valid, business id ${verdict.businessId} (${mode})`);
      continue;
    }
    const errors = verdict.errors ?? [];
    lines.push(
      `${describeRecord(verdict)}: invalid, ${errors.length} error${errors.length === 1 ? '' : 's'}`,
    );
    for (const error of errors) lines.push(`  ${error.path || '(record)'}: ${error.code}: ${error.message}`);
  }
  const valid = verdicts.filter((v) => v.ok);
  const complete = valid.filter((v) => v.complete).length;
  lines.push(
    `${verdicts.length} record${verdicts.length === 1 ? '' : 's'}: ${valid.length} valid ` +
      `(${complete} complete, ${valid.length - complete} partial), ${verdicts.length - valid.length} invalid`,
  );
  return `${lines.join('\n')}\n`;
}

/** `validate <file|->`: checks createprofile payloads without touching Redis or Ropo; exit 1 when any is invalid. */
export function registerValidateCommand(program: Command): void {
  program
    .command('validate')
    .argument('<file>', "a JSON object, a JSON array or NDJSON file, or '-' for standard input")
    .option('--json', 'print one JSON document with every verdict, for machines')
    .description('check onboarding payloads against the createprofile contract (nothing is sent)')
    .action(async function (this: Command, file: string, options: { json?: boolean }) {
      // Written through commander's output hooks so embedding programs and tests can capture it.
      const output = this.configureOutput();
      const writeOut = output.writeOut ?? ((text: string) => process.stdout.write(text));
      const writeErr = output.writeErr ?? ((text: string) => process.stderr.write(text));
      const verdicts = await validateRecords(file);
      const invalid = verdicts.filter((v) => !v.ok).length;
      if (options.json) {
        const summary = { records: verdicts.length, valid: verdicts.length - invalid, invalid };
        writeOut(`${JSON.stringify({ ...summary, verdicts }, null, 2)}\n`);
      } else {
        writeOut(formatVerdicts(verdicts));
      }
      // An empty input is almost always a wrong path or an empty pipe, not "all valid".
      if (verdicts.length === 0) writeErr('validate: no records found in the input\n');
      if (invalid > 0 || verdicts.length === 0) process.exitCode = 1;
    });
}
