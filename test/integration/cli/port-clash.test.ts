import net from 'node:net';
import { freePort } from '../../support/free-port';
import { testPrefix, testRedisUrl } from '../../support/redis';
import { runCli } from '../../support/run-cli';

/** Holds a port the way another program would, for the length of `run`. */
async function withTakenPort<T>(run: (port: number) => Promise<T>): Promise<T> {
  const port = await freePort();
  const blocker = net.createServer();
  await new Promise<void>((resolve) => blocker.listen(port, '127.0.0.1', resolve));
  try {
    return await run(port);
  } finally {
    await new Promise<void>((resolve) => blocker.close(() => resolve()));
  }
}

function jsonLines(text: string): Record<string, unknown>[] {
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

const base = (): NodeJS.ProcessEnv => ({
  REDIS_URL: testRedisUrl(),
  QUEUE_PREFIX: testPrefix('port'),
  NODE_ENV: 'test',
  ROPO_BASE_URL: '',
  ROPO_ENV: '',
  ROPO_SANDBOX: 'true',
  SANDBOX_PORT: '0',
  HTTP_HOST: '127.0.0.1',
  HTTP_PORT: '0',
  METRICS_PORT: '',
  INTAKE_TOKENS: 'port-clash-token-0123456789',
});

describe('a port clash names the variable to change, exits 1, as one JSON line', () => {
  it.each([
    ['serve', 'HTTP_PORT'],
    ['worker', 'METRICS_PORT'],
    ['start', 'SANDBOX_PORT'],
  ])(
    '%s with %s taken',
    async (command, variable) => {
      await withTakenPort(async (port) => {
        const result = await runCli([command], { ...base(), [variable]: String(port) });
        expect(result.code).toBe(1);
        // Every line parses (stdout and stderr), and exactly one is the failure.
        const lines = [...jsonLines(result.stdout), ...jsonLines(result.stderr)];
        const failures = lines.filter((line) => line.code === 'PORT_IN_USE');
        expect(failures).toHaveLength(1);
        expect(failures[0]).toMatchObject({ level: 'error', variable, port });
        expect(String(failures[0]?.message)).toContain(`set ${variable} to a free port`);
      });
    },
    60_000,
  );
});
