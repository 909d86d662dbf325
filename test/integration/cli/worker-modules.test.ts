import { spawn } from 'node:child_process';
import path from 'node:path';
import { freePort } from '../../support/free-port';
import { testPrefix, testRedisUrl } from '../../support/redis';
import { waitFor } from '../../support/wait-for';

const BIN = path.join(__dirname, '..', '..', '..', 'bin', 'onboarding.js');
const PRELOAD = path.join(__dirname, '..', '..', 'support', 'report-loaded-modules.cjs');

/** Starts `onboarding worker` until ready, stops it with SIGTERM, and returns the files it had loaded. */
async function workerModules(env: NodeJS.ProcessEnv): Promise<string[]> {
  const child = spawn(process.execPath, ['-r', PRELOAD, BIN, 'worker'], {
    env: {
      ...process.env,
      REDIS_URL: testRedisUrl(),
      QUEUE_PREFIX: testPrefix('worker-modules'),
      // A real Ropo One URL nothing listens on: the worker never calls it, as the queue stays empty.
      ROPO_BASE_URL: `http://127.0.0.1:${await freePort()}`,
      ROPO_CID: 'cid-test',
      ROPO_APICODE: 'apicode-test',
      LOG_LEVEL: 'info',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  try {
    await waitFor(() => output.includes('worker ready'), 30_000);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
  const line = output.split('\n').find((l) => l.startsWith('LOADED_MODULES '));
  if (!line) throw new Error(`the worker reported no modules:\n${output}`);
  return JSON.parse(line.slice('LOADED_MODULES '.length)) as string[];
}

const fromPackage = (files: string[], name: string): boolean =>
  files.some((file) => file.includes(`${path.sep}node_modules${path.sep}${name}${path.sep}`));

describe('`onboarding worker` loads only what a worker runs', () => {
  it('without METRICS_PORT and against a real Ropo One: no express, bull-board, sandbox or HTTP server', async () => {
    const files = await workerModules({});
    expect(fromPackage(files, 'express')).toBe(false);
    expect(fromPackage(files, path.join('@bull-board', 'api'))).toBe(false);
    expect(fromPackage(files, path.join('@bull-board', 'express'))).toBe(false);
    expect(files.some((file) => file.includes(path.join('src', 'sandbox')))).toBe(false);
    expect(files.some((file) => file.includes(path.join('src', 'http')))).toBe(false);
    // The other roles' command modules are not built for `worker` either.
    expect(files.some((file) => file.includes(path.join('src', 'cli', 'commands', 'serve')))).toBe(false);
    expect(files.some((file) => file.includes(path.join('src', 'cli', 'commands', 'worker')))).toBe(true);
  }, 60_000);

  it('with METRICS_PORT set it loads express to serve /metrics', async () => {
    const files = await workerModules({ METRICS_PORT: String(await freePort()) });
    expect(fromPackage(files, 'express')).toBe(true);
  }, 60_000);
});
