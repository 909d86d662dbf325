import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const BIN = path.join(__dirname, '..', '..', '..', 'bin', 'onboarding.js');

/** A copy of bin/onboarding.js in a scratch package, with a src/ and optionally a fake compiled dist/. */
function scratchPackage(withDist: boolean): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'onboarding-bin-'));
  fs.mkdirSync(path.join(root, 'bin'));
  fs.copyFileSync(BIN, path.join(root, 'bin', 'onboarding.js'));
  fs.mkdirSync(path.join(root, 'src', 'cli'), { recursive: true });
  fs.writeFileSync(path.join(root, 'src', 'cli', 'main.ts'), 'throw new Error("ran the TypeScript");\n');
  if (withDist) {
    fs.mkdirSync(path.join(root, 'dist', 'src', 'cli'), { recursive: true });
    fs.writeFileSync(
      path.join(root, 'dist', 'src', 'cli', 'main.js'),
      'exports.main = () => process.stdout.write("ran dist\\n");\n',
    );
  }
  return root;
}

describe('bin/onboarding.js in a deployment (ONBOARDING_DIST=1, as the image sets)', () => {
  it('runs the compiled dist/ even when src/ is present, without loading tsx', () => {
    const root = scratchPackage(true);
    try {
      const run = spawnSync(process.execPath, [path.join(root, 'bin', 'onboarding.js'), 'worker'], {
        env: { PATH: process.env.PATH, ONBOARDING_DIST: '1' },
        encoding: 'utf8',
      });
      expect(run.stdout).toBe('ran dist\n');
      expect(run.status).toBe(0);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  it('says to build when dist/ is missing, instead of falling back to the TypeScript', () => {
    const root = scratchPackage(false);
    try {
      const run = spawnSync(process.execPath, [path.join(root, 'bin', 'onboarding.js'), 'worker'], {
        env: { PATH: process.env.PATH, ONBOARDING_DIST: '1' },
        encoding: 'utf8',
      });
      expect(run.status).toBe(1);
      expect(run.stderr).toContain('run `npm run build` first');
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
