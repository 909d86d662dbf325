import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { freePort } from '../../support/free-port';
import { businessIds, minimalPayload } from '../../support/payloads';
import { testPrefix, testRedisClient, testRedisUrl } from '../../support/redis';
import { waitFor } from '../../support/wait-for';

const BIN = path.join(__dirname, '..', '..', '..', 'bin', 'onboarding.js');
const TOKEN = 'serve-processes-token';

/** The pids of the direct children of `pid` that run this CLI (Linux /proc; tsx adds an esbuild child). */
function childrenOf(pid: number): number[] {
  const tasks = fs.readdirSync(`/proc/${pid}/task`);
  const runsCli = (child: number): boolean => {
    try {
      return fs.readFileSync(`/proc/${child}/cmdline`, 'utf8').includes('onboarding.js');
    } catch {
      return false;
    }
  };
  return tasks
    .flatMap((task) => {
      const file = `/proc/${pid}/task/${task}/children`;
      return fs.existsSync(file)
        ? fs.readFileSync(file, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number)
        : [];
    })
    .filter(runsCli);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Starts `onboarding serve` with two HTTP processes on `port`, keeping what it prints. */
function startServe(port: number, prefix: string) {
  const child = spawn(process.execPath, [BIN, 'serve'], {
    env: {
      ...process.env,
      REDIS_URL: testRedisUrl(),
      QUEUE_PREFIX: prefix,
      HTTP_HOST: '127.0.0.1',
      HTTP_PORT: String(port),
      HTTP_PROCESSES: '2',
      INTAKE_TOKENS: TOKEN,
      ROPO_SANDBOX: 'true',
      LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const printed = { stdout: '', stderr: '' };
  child.stdout.on('data', (chunk: Buffer) => (printed.stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (printed.stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { child, printed, exited };
}

async function post(url: string, body: unknown): Promise<number> {
  const response = await fetch(`${url}/v1/onboardings`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${TOKEN}` },
    body: JSON.stringify(body),
  });
  await response.arrayBuffer();
  return response.status;
}

describe('serve with HTTP_PROCESSES=2', () => {
  let primary: ChildProcess | undefined;

  afterEach(() => {
    // Only reached by a failing test: a passing one has stopped everything itself.
    if (primary?.pid && alive(primary.pid)) {
      for (const child of childrenOf(primary.pid)) process.kill(child, 'SIGKILL');
      primary.kill('SIGKILL');
    }
  });

  it('serves on one port from two processes, replaces one that dies, and stops them all on SIGTERM', async () => {
    const port = await freePort();
    const prefix = testPrefix('serve-processes');
    const url = `http://127.0.0.1:${port}`;
    const { child: started, printed, exited } = startServe(port, prefix);
    primary = started;
    const redis = testRedisClient();
    try {
      await waitFor(() => printed.stdout.includes('http processes ready'), 90_000, 100);
      const [first, second] = childrenOf(started.pid as number);
      expect([first, second].every((pid) => pid !== undefined && alive(pid))).toBe(true);
      expect(childrenOf(started.pid as number)).toHaveLength(2);

      const ids = businessIds(20, 8_400_000);
      const statuses = await Promise.all(ids.slice(0, 10).map((id) => post(url, minimalPayload(id))));
      expect(statuses).toEqual(Array(10).fill(202));
      // Both processes took requests: each logged at least one acceptance under its own number.
      const acceptedBy = new Set(
        printed.stdout
          .split('\n')
          .filter((line) => line.includes('onboarding accepted'))
          .map((line) => (JSON.parse(line) as { httpProcess?: number }).httpProcess),
      );
      expect(acceptedBy).toEqual(new Set([1, 2]));

      process.kill(first as number, 'SIGKILL');
      let replacement: number[] = [];
      await waitFor(
        () => {
          replacement = childrenOf(started.pid as number);
          return replacement.length === 2 && !replacement.includes(first as number);
        },
        15_000,
        100,
      );
      expect(replacement).toContain(second);
      expect(printed.stdout).toContain('an http process died; starting another');
      await waitFor(() => printed.stdout.split('http ready').length - 1 >= 3, 15_000, 100);
      const after = await Promise.all(ids.slice(10).map((id) => post(url, minimalPayload(id))));
      expect(after).toEqual(Array(10).fill(202));
      expect(await redis.zcard(`${prefix}:onboarding:prioritized`)).toBe(0);
      expect(await redis.llen(`${prefix}:onboarding:wait`)).toBe(20);

      // Whichever process answers /metrics, it shows every process, and Redis's counts once.
      for (let i = 0; i < 4; i++) {
        const metrics = await (await fetch(`${url}/metrics`)).text();
        expect(metrics).toMatch(/^nodejs_heap_size_used_bytes\{http_process="1"\} \d+/m);
        expect(metrics).toMatch(/^nodejs_heap_size_used_bytes\{http_process="2"\} \d+/m);
        expect(metrics).toMatch(/^onboarding_queue_jobs\{queue="onboarding",state="waiting"\} 20$/m);
      }

      const children = childrenOf(started.pid as number);
      started.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(children.filter(alive)).toEqual([]);
      expect(printed.stderr).toBe('');
    } finally {
      const keys = await redis.keys(`${prefix}:*`);
      if (keys.length > 0) await redis.del(...keys);
      redis.disconnect();
    }
  }, 180_000);

  it('exits 1 without leaving processes behind when the port is taken', async () => {
    const blocker = net.createServer();
    const port = await freePort();
    await new Promise<void>((resolve) => blocker.listen(port, '127.0.0.1', resolve));
    try {
      const { child: started, printed, exited } = startServe(port, testPrefix('serve-taken'));
      primary = started;
      const seen = new Set<number>();
      const watcher = setInterval(() => {
        if (started.pid && alive(started.pid)) for (const pid of childrenOf(started.pid)) seen.add(pid);
      }, 50);
      const code = await exited;
      const output = printed.stdout + printed.stderr;
      clearInterval(watcher);
      expect(code).toBe(1);
      expect(output).toContain('an http process failed to start; stopping the others');
      expect(output).toContain('"code":"PORT_IN_USE"');
      expect(output).toContain('"variable":"HTTP_PORT"');
      // Exited processes may take a moment to be reaped.
      await waitFor(() => ![...seen].some(alive), 5_000, 100);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  }, 120_000);
});
