import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { waitFor } from '../../support/wait-for';

const BIN = path.join(__dirname, '..', '..', '..', 'bin', 'onboarding.js');

/**
 * A copy of bin/ in a scratch package, with a src/ and optionally a fake compiled dist/ whose main is
 * `distMain` (the body of a CommonJS module exporting `main`).
 */
function scratchPackage(
  withDist: boolean,
  distMain = 'exports.main = () => process.stdout.write("ran dist\\n");',
): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'onboarding-bin-'));
  fs.mkdirSync(path.join(root, 'bin'));
  for (const file of ['onboarding.js', 'node-flags.js']) {
    fs.copyFileSync(path.join(path.dirname(BIN), file), path.join(root, 'bin', file));
  }
  fs.mkdirSync(path.join(root, 'src', 'cli'), { recursive: true });
  fs.writeFileSync(path.join(root, 'src', 'cli', 'main.ts'), 'throw new Error("ran the TypeScript");\n');
  if (withDist) {
    fs.mkdirSync(path.join(root, 'dist', 'src', 'cli'), { recursive: true });
    fs.writeFileSync(path.join(root, 'dist', 'src', 'cli', 'main.js'), `${distMain}\n`);
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

// A fake compiled CLI that reports how it was started: node's arguments, V8's heap limit, its pids.
const REPORT_MAIN = `exports.main = (argv) => {
  const report = {
    command: argv[2],
    execArgv: process.execArgv,
    heapLimitMb: require('node:v8').getHeapStatistics().heap_size_limit / 1048576,
    pid: process.pid,
    ppid: process.ppid,
    mallocArenaMax: process.env.MALLOC_ARENA_MAX,
  };
  process.stdout.write('REPORT ' + JSON.stringify(report) + '\\n');
  const exitWith = Number(process.env.FAKE_EXIT_CODE);
  if (process.env.FAKE_STAY === '1') {
    process.on('SIGTERM', () => {
      process.stdout.write('got SIGTERM\\n');
      process.exit(0);
    });
    setInterval(() => {}, 1000);
  } else if (process.env.FAKE_KILL_SELF === '1') {
    process.kill(process.pid, 'SIGKILL');
  } else if (Number.isInteger(exitWith)) {
    process.exit(exitWith);
  }
};`;

interface Report {
  command: string;
  execArgv: string[];
  heapLimitMb: number;
  pid: number;
  ppid: number;
  mallocArenaMax?: string;
}

function reportOf(stdout: string): Report {
  const line = stdout.split('\n').find((l) => l.startsWith('REPORT '));
  if (!line) throw new Error(`no report in:\n${stdout}`);
  return JSON.parse(line.slice('REPORT '.length)) as Report;
}

describe('bin/onboarding.js gives `worker` measured heap flags unless the operator sized the heap', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the CommonJS module under test
  const { WORKER_NODE_FLAGS, WORKER_ENV } = require('../../../bin/node-flags.js') as {
    WORKER_NODE_FLAGS: string[];
    WORKER_ENV: Record<string, string>;
  };
  let root: string;
  let bin: string;
  beforeAll(() => {
    root = scratchPackage(true, REPORT_MAIN);
    bin = path.join(root, 'bin', 'onboarding.js');
  });
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  const run = (args: string[], env: NodeJS.ProcessEnv = {}, nodeArgs: string[] = []) =>
    spawnSync(process.execPath, [...nodeArgs, bin, ...args], {
      env: { PATH: process.env.PATH, ONBOARDING_DIST: '1', ...env },
      encoding: 'utf8',
    });

  it('runs `worker` in a child with the flags when neither NODE_OPTIONS nor node arguments set any', () => {
    const result = run(['worker']);
    expect(result.status).toBe(0);
    const report = reportOf(result.stdout);
    expect(report.command).toBe('worker');
    expect(report.execArgv).toEqual(WORKER_NODE_FLAGS);
    const oldSpace = Number(/--max-old-space-size=(\d+)/.exec(WORKER_NODE_FLAGS.join(' '))?.[1]);
    // heap_size_limit is old space plus the young generation: the cap took effect in V8.
    expect(report.heapLimitMb).toBeLessThan(oldSpace + 64);
    expect(report.pid).not.toBe(result.pid);
    expect(report.ppid).toBe(result.pid);
    expect(report.mallocArenaMax).toBe(WORKER_ENV.MALLOC_ARENA_MAX);
  });

  it("keeps the operator's own MALLOC_ARENA_MAX", () => {
    expect(reportOf(run(['worker'], { MALLOC_ARENA_MAX: '4' }).stdout).mallocArenaMax).toBe('4');
  });

  it('keeps node arguments the user gave and adds the flags after them', () => {
    const report = reportOf(run(['worker'], {}, ['--no-warnings']).stdout);
    expect(report.execArgv).toEqual(['--no-warnings', ...WORKER_NODE_FLAGS]);
  });

  it.each([
    ['NODE_OPTIONS sets old space', { NODE_OPTIONS: '--max-old-space-size=200' }, []],
    ['NODE_OPTIONS in V8 spelling', { NODE_OPTIONS: '--enable-source-maps --max_semi_space_size=8' }, []],
    ['a node argument', {}, ['--max-old-space-size=200']],
    ['ONBOARDING_HEAP_FLAGS=off', { ONBOARDING_HEAP_FLAGS: 'off' }, []],
  ])('runs `worker` in this process, untouched, when %s', (_name, env, nodeArgs) => {
    const result = run(['worker'], env, nodeArgs);
    expect(result.status).toBe(0);
    const report = reportOf(result.stdout);
    expect(report.pid).toBe(result.pid);
    expect(report.execArgv).toEqual(nodeArgs);
  });

  it('leaves `worker` alone when it runs the TypeScript through tsx (no ONBOARDING_DIST, src/ present)', () => {
    // The scratch package has no tsx, so this process fails requiring it: the TypeScript path, taken
    // here and not in a child with the flags (whose fake dist/ would have reported).
    const result = run(['worker'], { ONBOARDING_DIST: '' });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain("Cannot find module 'tsx/cjs'");
    expect(result.stdout).not.toContain('REPORT ');
  });

  it('leaves every other command in this process', () => {
    const result = run(['stats']);
    const report = reportOf(result.stdout);
    expect(report.pid).toBe(result.pid);
    expect(report.execArgv).toEqual([]);
  });

  it("exits with the worker's exit code, and of the signal that killed it", () => {
    expect(run(['worker'], { FAKE_EXIT_CODE: '3' }).status).toBe(3);
    const killed = run(['worker'], { FAKE_KILL_SELF: '1' });
    expect(killed.signal).toBe('SIGKILL');
  });

  /** Starts the launcher with a worker that stays up; resolves once the worker has reported. */
  async function startStaying(): Promise<{ launcher: ChildProcess; report: Report; output: () => string }> {
    const launcher = spawn(process.execPath, [bin, 'worker'], {
      env: { PATH: process.env.PATH, ONBOARDING_DIST: '1', FAKE_STAY: '1' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let stdout = '';
    launcher.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    await waitFor(() => stdout.includes('\n'), 30_000);
    return { launcher, report: reportOf(stdout), output: () => stdout };
  }

  const alive = (pid: number): boolean => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };

  it('forwards SIGTERM to the worker once and exits as it does', async () => {
    const { launcher, report, output } = await startStaying();
    try {
      const exited = new Promise<number | null>((resolve) => launcher.once('exit', (code) => resolve(code)));
      launcher.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(output().match(/got SIGTERM/g)).toHaveLength(1);
      await waitFor(() => !alive(report.pid), 30_000);
    } finally {
      launcher.kill('SIGKILL');
      if (alive(report.pid)) process.kill(report.pid, 'SIGKILL');
    }
  });

  it('takes the worker down when the launcher is killed with SIGKILL', async () => {
    const { launcher, report } = await startStaying();
    try {
      expect(report.ppid).toBe(launcher.pid);
      launcher.kill('SIGKILL');
      await waitFor(() => !alive(report.pid), 30_000);
    } finally {
      if (alive(report.pid)) process.kill(report.pid, 'SIGKILL');
    }
  });
});
