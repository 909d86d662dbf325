import { spawn } from 'node:child_process';
import path from 'node:path';
import { freePort } from '../../support/free-port';
import { testPrefix, testRedisUrl } from '../../support/redis';
import { hasRedisServerBinary, spawnRedisServer } from '../../support/redis-server';
import { runCli } from '../../support/run-cli';
import { waitFor } from '../../support/wait-for';

const BIN = path.join(__dirname, '..', '..', '..', 'bin', 'onboarding.js');

describe('operability of the CLI and the worker process', () => {
  it('fails within REDIS_CONNECT_TIMEOUT_MS against a closed port, naming the URL without its password', async () => {
    const port = await freePort();
    const started = Date.now();
    const result = await runCli(['stats'], {
      REDIS_URL: `redis://:s3cret-pass@127.0.0.1:${port}`,
      REDIS_CONNECT_TIMEOUT_MS: '500',
    });
    expect(result.code).toBe(1);
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(result.stderr).toContain('REDIS_UNREACHABLE');
    expect(result.stderr).toContain(`127.0.0.1:${port}`);
    expect(result.stderr).not.toContain('s3cret-pass');
  }, 30_000);

  it('`stats | head -1` exits 0 with nothing on stderr', async () => {
    const result = await new Promise<{ code: number | null; stderr: string; stdout: string }>((resolve) => {
      const child = spawn(
        'bash',
        ['-o', 'pipefail', '-c', `"${process.execPath}" "${BIN}" stats | head -1`],
        {
          env: {
            ...process.env,
            REDIS_URL: testRedisUrl(),
            QUEUE_PREFIX: testPrefix('epipe'),
            LOG_LEVEL: 'warn',
          },
        },
      );
      let stderr = '';
      let stdout = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.once('exit', (code) => resolve({ code, stderr, stdout }));
    });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout.trim().split('\n')).toHaveLength(1);
  }, 30_000);

  it('prints its version', async () => {
    const result = await runCli(['--version']);
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  }, 30_000);

  (hasRedisServerBinary() ? it : it.skip)(
    'a worker whose Redis was killed exits within SHUTDOWN_TIMEOUT_MS + 2 s of SIGTERM',
    async () => {
      const redis = await spawnRedisServer();
      const shutdownTimeoutMs = 1000;
      const child = spawn(process.execPath, [BIN, 'worker'], {
        env: {
          ...process.env,
          REDIS_URL: redis.url,
          QUEUE_PREFIX: testPrefix('sigterm'),
          ROPO_SANDBOX: 'true',
          SANDBOX_PORT: String(await freePort()),
          SHUTDOWN_TIMEOUT_MS: String(shutdownTimeoutMs),
          LOG_LEVEL: 'info',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      try {
        await waitFor(() => output.includes('worker ready'), 30_000);
        await redis.stop();
        await new Promise((resolve) => setTimeout(resolve, 500));
        const signalled = Date.now();
        child.kill('SIGTERM');
        const code = await exited;
        expect(Date.now() - signalled).toBeLessThan(shutdownTimeoutMs + 2000);
        // Idle when signalled: no job was abandoned, so a clean exit, and no line claims otherwise.
        expect(code).toBe(0);
        expect(output).not.toContain('with jobs in flight');
        const deadlines = output.split('\n').filter((line) => line.includes('shutdown deadline passed'));
        for (const line of deadlines) expect(line).toContain('no job in flight');
      } finally {
        if (child.exitCode === null) child.kill('SIGKILL');
        await redis.stop().catch(() => undefined);
      }
    },
    60_000,
  );
});
