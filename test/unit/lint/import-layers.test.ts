import { execFileSync } from 'node:child_process';
import path from 'node:path';

// The layer rule lives in eslint.config.mjs. Jest cannot load an ES-module config, so one Node
// child lints every planted file (files that do not exist) through ESLint's API and prints the results.
const root = path.resolve(__dirname, '../../..');
const LINT = `
const { ESLint } = require('eslint');
const cases = JSON.parse(process.argv[1]);
(async () => {
  const eslint = new ESLint({ cwd: process.cwd() });
  const out = [];
  for (const [filePath, code] of cases) {
    const [result] = await eslint.lintText(code, { filePath });
    out.push(result.messages.filter((m) => m.ruleId === 'import-x/no-restricted-paths').map((m) => m.message));
  }
  process.stdout.write(JSON.stringify(out));
})().catch((e) => { console.error(e); process.exit(1); });
`;

function layerErrors(cases: [string, string][]): string[][] {
  const stdout = execFileSync(process.execPath, ['-e', LINT, JSON.stringify(cases)], {
    cwd: root,
    encoding: 'utf8',
    timeout: 120_000,
  });
  return JSON.parse(stdout) as string[][];
}

describe('import layers (eslint.config.mjs)', () => {
  jest.setTimeout(150_000);

  const wrongWay: [string, string][] = [
    [
      'src/contracts/planted.ts',
      "import { createWorker } from '../workers/onboarding-worker';\nexport const x = createWorker;\n",
    ],
    [
      'src/errors/planted.ts',
      "import { validatePayload } from '../contracts/validate-payload';\nexport const x = validatePayload;\n",
    ],
    ['src/queues/planted.ts', "import { decide } from '../pipeline/decide';\nexport const x = decide;\n"],
    [
      'src/pipeline/planted.ts',
      "import { createHttpApp } from '../http/create-http-app';\nexport const x = createHttpApp;\n",
    ],
    [
      'src/http/planted.ts',
      "import { parseDuration } from '../cli/program';\nexport const x = parseDuration;\n",
    ],
    ['src/sandbox/planted.ts', "import { logger } from '../logger';\nexport const x = logger;\n"],
    ['src/ropo/planted.ts', "import { bearerTokens } from '../http/auth';\nexport const x = bearerTokens;\n"],
  ];
  const downward: [string, string][] = [
    [
      'src/pipeline/planted.ts',
      "import { parseDuration } from '../contracts/duration';\nexport const x = parseDuration;\n",
    ],
    [
      'src/cli/planted.ts',
      "import { createWorker } from '../workers/onboarding-worker';\nexport const x = createWorker;\n",
    ],
    [
      'src/queues/planted.ts',
      "import { classifyHttpAnswer } from '../ropo/classify';\nexport const x = classifyHttpAnswer;\n",
    ],
  ];

  it('fails every planted wrong-way import and passes the downward ones', () => {
    const results = layerErrors([...wrongWay, ...downward]);
    wrongWay.forEach(([filePath], i) => expect([filePath, results[i]?.length]).toEqual([filePath, 1]));
    downward.forEach(([filePath], i) =>
      expect([filePath, results[wrongWay.length + i]]).toEqual([filePath, []]),
    );
  });
});
