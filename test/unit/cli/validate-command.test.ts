import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { registerValidateCommand } from '../../../src/cli/commands/validate';
import { readRecords, splitEnvelope } from '../../../src/cli/read-records';

const ROOT = path.join(__dirname, '..', '..', '..');
const EXAMPLES = path.join(ROOT, 'examples');
const read = (name: string) => fs.readFileSync(path.join(EXAMPLES, name), 'utf8');

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'validate-cli-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: string): string {
  const target = path.join(dir, name);
  fs.writeFileSync(target, content);
  return target;
}

/** Runs `validate` in-process through commander, capturing what it writes and the exit code it sets. */
async function run(...args: string[]): Promise<{ out: string; err: string; exitCode: number }> {
  let out = '';
  let err = '';
  const program = new Command('onboarding')
    .exitOverride()
    .configureOutput({ writeOut: (s) => (out += s), writeErr: (s) => (err += s) });
  registerValidateCommand(program);
  const previous = process.exitCode;
  process.exitCode = undefined;
  try {
    await program.parseAsync(['node', 'onboarding', 'validate', ...args]);
    return { out, err, exitCode: Number(process.exitCode ?? 0) };
  } finally {
    process.exitCode = previous;
  }
}

describe('readRecords', () => {
  it('reads one object, an array, and NDJSON with line numbers for bad lines', async () => {
    expect(await readRecords(file('one.json', '{"a":1}'))).toEqual([{ value: { a: 1 } }]);
    expect(await readRecords(file('many.json', '[{"a":1},{"a":2}]'))).toEqual([
      { value: { a: 1 } },
      { value: { a: 2 } },
    ]);
    const records = await readRecords(file('lines.ndjson', '{"a":1}\n\nnot json at all\n{"a":3}\n'));
    expect(records).toEqual([
      { line: 1, value: { a: 1 } },
      { line: 3, error: expect.stringContaining('not valid JSON') },
      { line: 4, value: { a: 3 } },
    ]);
  });

  it('unwraps {payload, eventId, source} envelopes and leaves bare payloads alone', () => {
    expect(splitEnvelope({ payload: { x: 1 }, eventId: 'e-1', source: 'crm' })).toEqual({
      payload: { x: 1 },
      eventId: 'e-1',
      source: 'crm',
    });
    const bare = { customer_info: {}, payload: 1 };
    expect(splitEnvelope(bare)).toEqual({ payload: bare });
  });
});

describe('onboarding validate', () => {
  it('exits 0 and says complete for the complete example', async () => {
    const { out, exitCode } = await run(path.join(EXAMPLES, 'customer.json'));
    expect(exitCode).toBe(0);
    expect(out).toContain('record 1: valid, business id 1234567-1 (complete');
    expect(out).toContain('1 record: 1 valid (1 complete, 0 partial), 0 invalid');
  });

  it('exits 0 and says partial for the minimal example', async () => {
    const { out, exitCode } = await run(path.join(EXAMPLES, 'customer-minimal.json'));
    expect(exitCode).toBe(0);
    expect(out).toContain('(partial: Ropo e-mails an onboarding link)');
  });

  it('exits 1 on the docs example and names the expected check digit', async () => {
    const { out, exitCode } = await run(path.join(EXAMPLES, 'invalid-customer.json'));
    expect(exitCode).toBe(1);
    expect(out).toContain('customer_info.business_id: BUSINESS_ID_CHECK_DIGIT:');
    expect(out).toContain('the check digit should be 1');
  });

  it('reports each NDJSON record, including lines that are not JSON, and exits 1', async () => {
    const ndjson = [
      JSON.stringify(JSON.parse(read('customer.json'))),
      '{oops',
      JSON.stringify({ payload: JSON.parse(read('customer-minimal.json')), eventId: 'crm-1' }),
      JSON.stringify(JSON.parse(read('invalid-customer.json'))),
    ].join('\n');
    const { out, exitCode } = await run(file('mixed.ndjson', ndjson), '--json');
    expect(exitCode).toBe(1);
    const report = JSON.parse(out);
    expect(report).toMatchObject({ records: 4, valid: 2, invalid: 2 });
    expect(report.verdicts).toEqual([
      { record: 1, line: 1, ok: true, complete: true, businessId: '1234567-1' },
      {
        record: 2,
        line: 2,
        ok: false,
        errors: [expect.objectContaining({ path: '', code: 'JSON_INVALID' })],
      },
      { record: 3, line: 3, ok: true, complete: false, businessId: '1234567-1' },
      {
        record: 4,
        line: 4,
        ok: false,
        errors: [expect.objectContaining({ code: 'BUSINESS_ID_CHECK_DIGIT' })],
      },
    ]);
  });

  it('validates a JSON array and prints every error of every record', async () => {
    const array = JSON.stringify([
      { customer_info: {}, contact_person: { email: 'x' } },
      JSON.parse(read('customer.json')),
    ]);
    const { out, exitCode } = await run(file('array.json', array));
    expect(exitCode).toBe(1);
    expect(out).toContain('record 1: invalid, 2 errors');
    expect(out).toContain('  customer_info.business_id: REQUIRED:');
    expect(out).toContain('  contact_person.email: EMAIL_INVALID:');
    expect(out).toContain('record 2: valid');
  });

  it('exits 1 on an empty input', async () => {
    const { err, exitCode } = await run(file('empty.json', '\n'));
    expect(exitCode).toBe(1);
    expect(err).toContain('no records found');
  });

  it('fails on a missing file', async () => {
    await expect(run(path.join(dir, 'nope.json'))).rejects.toThrow(/ENOENT/);
  });

  it("reads standard input with '-' in a real process", () => {
    // A tiny program with only this command: the real `onboarding` binary is wired by program.ts.
    const script = `
      const { Command } = require('commander');
      const { registerValidateCommand } = require(${JSON.stringify(path.join(ROOT, 'src/cli/commands/validate.ts'))});
      const program = new Command('onboarding');
      registerValidateCommand(program);
      program.parseAsync(process.argv).catch((e) => { console.error(e.message); process.exit(2); });
    `;
    const input = `${JSON.stringify(JSON.parse(read('customer.json')))}\n${JSON.stringify(JSON.parse(read('invalid-customer.json')))}\n`;
    const child = spawnSync(
      process.execPath,
      ['-r', 'tsx/cjs', '-e', script, 'onboarding', 'validate', '-', '--json'],
      {
        cwd: ROOT,
        input,
        encoding: 'utf8',
        timeout: 20_000,
      },
    );
    expect(child.stderr).toBe('');
    expect(child.status).toBe(1);
    expect(JSON.parse(child.stdout)).toMatchObject({ records: 2, valid: 1, invalid: 1 });
  });
});
