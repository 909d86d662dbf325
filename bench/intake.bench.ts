/**
 * Issue 7: how many onboarding records the HTTP intake accepts per second, and at what latency.
 * Target: at least 3,000 valid payloads per second with p99 under 50 ms, over loopback.
 * Run with `npm run bench -- intake`; `INTAKE_BENCH_CPU_PROF=<dir>` writes the server's CPU profile there.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { QUEUE_NAMES } from '../src/queues/queue-names';
import { freePort } from '../test/support/free-port';
import { businessIds, completePayload } from '../test/support/payloads';
import type { BenchSection } from './run';
import { stopChild, track } from './support/child-registry';
import { spawnBenchRedis } from './support/redis-process';
import { fmtSpread, num } from './support/report-format';
import { spread } from './support/stats';

const TARGET_PER_SECOND = 3000;
const TARGET_P99_MS = 50;
const CONNECTIONS = 32;
const WARMUP_SECONDS = 8;
const ROUND_SECONDS = 5;
const ROUNDS = 3;
const TOKEN = 'bench-intake-token';
const PREFIX = 'bench-intake';

interface Round {
  perSecond: number;
  /** Accepted per second of the server process's CPU time: what one core sustains, whatever else runs. */
  perCpuSecond: number;
  redisCpuMsPerRequest: number;
  p50: number;
  p97_5: number;
  p99: number;
  max: number;
  accepted: number;
  other: number;
  errors: number;
}

// utime + stime of a process in seconds, from /proc (Linux; NaN elsewhere). Clock ticks are 100/s on Linux.
function cpuSeconds(pid: number | undefined): number {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return Number.NaN;
  }
}

/** The CPU seconds of a process and all its descendants (the cluster's serving processes). */
function treeCpuSeconds(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN;
  let total = cpuSeconds(pid);
  for (const task of fs.readdirSync(`/proc/${pid}/task`)) {
    const children = fs.readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim();
    for (const child of children ? children.split(/\s+/) : []) total += treeCpuSeconds(Number(child));
  }
  return total;
}

async function waitForHealth(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if ((await fetch(`${url}/healthz`)).ok) return;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) throw new Error(`the intake did not answer /healthz within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Bodies of distinct complete payloads: a repeated one would be a duplicate, a cheaper path than a new job. */
function bodies(count: number): string[] {
  return businessIds(count, 4_000_000).map((id) => JSON.stringify(completePayload(id)));
}

function load(url: string, seconds: number, next: () => string): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: `${url}/v1/onboardings`,
        connections: CONNECTIONS,
        duration: seconds,
        requests: [
          {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
            setupRequest: (request) => ({ ...request, body: next() }),
          },
        ],
      },
      (error, result) => (error ? reject(error) : resolve(result)),
    );
    instance.on('error', reject);
  });
}

function toRound(result: autocannon.Result, serverCpu: number, redisCpu: number): Round {
  const accepted = result.statusCodeStats?.['202']?.count ?? 0;
  const total = Object.values(result.statusCodeStats ?? {}).reduce((sum, s) => sum + (s.count ?? 0), 0);
  return {
    perSecond: accepted / (result.duration || ROUND_SECONDS),
    perCpuSecond: accepted / serverCpu,
    redisCpuMsPerRequest: (redisCpu * 1000) / accepted,
    p50: result.latency.p50,
    p97_5: result.latency.p97_5,
    p99: result.latency.p99,
    max: result.latency.max,
    accepted,
    other: total - accepted,
    errors: result.errors + result.timeouts,
  };
}

/** What one configuration of the intake measured. */
interface Measured {
  processes: number;
  rounds: Round[];
  stored: number;
}

/**
 * Runs `onboarding serve` with `processes` HTTP processes against its own Redis and loads it with
 * autocannon: warm-up, then the rounds.
 */
async function measure(processes: number, pool: string[], take: () => string): Promise<Measured> {
  const redis = await spawnBenchRedis();
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const profileDir = process.env.INTAKE_BENCH_CPU_PROF;
  const server = track(
    spawn(
      process.execPath,
      [
        ...(profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []),
        path.join(__dirname, '..', 'bin', 'onboarding.js'),
        'serve',
      ],
      {
        stdio: ['ignore', 'ignore', 'inherit'],
        env: {
          ...process.env,
          NODE_ENV: 'production',
          REDIS_URL: redis.url,
          QUEUE_PREFIX: PREFIX,
          HTTP_HOST: '127.0.0.1',
          HTTP_PORT: String(port),
          HTTP_PROCESSES: String(processes),
          INTAKE_TOKENS: TOKEN,
          BOARD_USERNAME: 'bench',
          BOARD_PASSWORD: 'bench',
          // The production default: one 'onboarding accepted' line per request is part of the cost.
          LOG_LEVEL: 'info',
        },
      },
    ),
  );
  const client = new Redis(redis.url);
  try {
    await waitForHealth(url, 30_000);
    if (pool.length === 0) throw new Error('no payloads');
    await load(url, WARMUP_SECONDS, take);
    const rounds: Round[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      const [server0, redis0] = [treeCpuSeconds(server.pid), cpuSeconds(redis.pid)];
      const result = await load(url, ROUND_SECONDS, take);
      rounds.push(toRound(result, treeCpuSeconds(server.pid) - server0, cpuSeconds(redis.pid) - redis0));
    }
    // Every 202 must be a stored job: the figure counts work done, not answers sent.
    const queue = new Queue(QUEUE_NAMES.onboarding, { connection: client, prefix: PREFIX });
    const stored = await queue.getJobCountByTypes('waiting', 'prioritized', 'delayed', 'active', 'completed');
    await queue.close();
    return { processes, rounds, stored };
  } finally {
    await client.quit().catch(() => client.disconnect());
    await stopChild(server);
    await redis.stop();
  }
}

function roundsTable(measured: Measured): string {
  return [
    '| round | accepted /s (wall) | accepted /s (server CPU) | Redis CPU ms / request | p50 ms | p97.5 ms | p99 ms | max ms | 202s | other answers | errors |',
    '| ----: | ----------: | ----------: | ----------: | -----: | -------: | -----: | -----: | ---: | ------------: | -----: |',
    ...measured.rounds.map(
      (r, i) =>
        `| ${i + 1} | ${num(r.perSecond)} | ${num(r.perCpuSecond)} | ${num(r.redisCpuMsPerRequest, 3)} | ${num(r.p50)} | ${num(r.p97_5)} | ${num(r.p99)} | ${num(r.max)} | ${num(r.accepted)} | ${num(r.other)} | ${num(r.errors)} |`,
    ),
  ].join('\n');
}

/** The intake with one HTTP process (the baseline) and with one per core, in the same run. */
export async function run(): Promise<BenchSection> {
  const cores = os.cpus().length;
  const configurations = [...new Set([1, cores])];
  const perConfiguration = Math.ceil(TARGET_PER_SECOND * 3 * (WARMUP_SECONDS + ROUNDS * ROUND_SECONDS));
  const pool = bodies(perConfiguration * configurations.length);
  let cursor = 0;
  // Distinct across configurations too: a body the first run stored would be a duplicate later.
  const take = (): string => {
    if (cursor >= pool.length) throw new Error('the bench ran out of distinct payloads; raise the pool size');
    return pool[cursor++] as string;
  };
  const results: Measured[] = [];
  for (const processes of configurations) results.push(await measure(processes, pool, take));

  const best = results[results.length - 1] as Measured;
  const rate = spread(best.rounds.map((r) => r.perSecond));
  const p99 = spread(best.rounds.map((r) => r.p99));
  const ratePass = rate.median >= TARGET_PER_SECOND;
  const p99Pass = p99.median < TARGET_P99_MS;
  const load1 = os.loadavg()[0] ?? 0;
  const sections = results.flatMap((m) => [
    `**HTTP_PROCESSES=${m.processes}**${m.processes === 1 ? ' (one Node process: the baseline)' : ' (one process per core)'}`,
    '',
    roundsTable(m),
    '',
    `Jobs stored in Redis after the run: ${num(m.stored)} (warm-up included), one per 202.`,
    '',
  ]);
  const summary = results.map((m) => {
    const r = spread(m.rounds.map((x) => x.perSecond));
    const q = spread(m.rounds.map((x) => x.p99));
    const c = spread(m.rounds.map((x) => x.perCpuSecond));
    return `| ${m.processes} | ${fmtSpread(r)} /s | ${fmtSpread(q, 0, ' ms')} | ${fmtSpread(c)} /s |`;
  });
  return {
    title: 'HTTP intake (`POST /v1/onboardings`)',
    markdown: [
      `\`onboarding serve\` (NODE_ENV=production, LOG_LEVEL=info, stdout discarded) with its own redis-server, ` +
        `measured with ${configurations.map((n) => `HTTP_PROCESSES=${n}`).join(' and then ')} in this one run; ` +
        `autocannon in the bench process posts distinct complete payloads (\`examples/customer.json\` with ` +
        `another business id each, ${num(pool[0]?.length ?? 0)} bytes) with a Bearer token over ${CONNECTIONS} ` +
        `keep-alive connections: ${WARMUP_SECONDS} s of warm-up, then ${ROUNDS} rounds of ${ROUND_SECONDS} s. ` +
        `Each request is authenticated, validated, enqueued (BullMQ \`add\` plus the duplicate check) and answered 202.`,
      '',
      ...sections,
      '| HTTP_PROCESSES | accepted /s (wall) | p99 | accepted per second of server CPU (all its processes) |',
      '| ---: | --- | --- | --- |',
      ...summary,
      '',
      '| target | measured (median of rounds, range) | result |',
      '| --- | --- | --- |',
      `| ≥ ${num(TARGET_PER_SECOND)} accepted/s (HTTP_PROCESSES=${best.processes}) | ${fmtSpread(rate)} /s | ${ratePass ? 'pass' : '**miss**'} |`,
      `| p99 < ${TARGET_P99_MS} ms (HTTP_PROCESSES=${best.processes}) | ${fmtSpread(p99, 0, ' ms')} | ${p99Pass ? 'pass' : '**miss**'} |`,
      '',
      `The wall-clock figures depend on what else runs: the load average was ${load1.toFixed(2)} on ` +
        `${cores} cores at the end of this run, and autocannon, redis-server and the server share them. ` +
        'One Node process serves on one core at most; the intake keeps no state of its own, so HTTP_PROCESSES ' +
        "runs that many on the same port (Node's cluster) to use the others.",
    ].join('\n'),
  };
}
