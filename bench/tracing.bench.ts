/**
 * Issue 19: what tracing costs the worker. The full pipeline worker (as `onboarding worker` runs it) drains
 * the same backlog with tracing off and with tracing on (OTLP/HTTP to a local receiver that discards),
 * alternating, same Redis, sandbox and concurrency, 0 ms upstream latency so the worker's own cost shows.
 * `npm run bench -- tracing` writes its section of docs/bench.md; BENCH_QUICK=1 for small counts.
 */
import http from 'node:http';
import { benchPayloads } from './support/backlog';
import { openBenchEnv } from './support/bench-env';
import { UNBOUND_LIMITER } from './support/bench-plan';
import { compileChildEntries } from './support/child-entries';
import { drainRound, type DrainResult } from './support/drain-round';
import { loadAverage } from './support/machine-info';
import { fmtSpread, num, table } from './support/report-format';
import { spread } from './support/stats';
import type { BenchSection } from './run';

const QUICK = process.env.BENCH_QUICK === '1';
const JOBS = QUICK ? 500 : 6_000;
const ROUNDS = QUICK ? 1 : 5;
const CONCURRENCY = 50;

/** An OTLP/HTTP endpoint that answers 200 and keeps only a count of the bytes, as a collector would take them. */
async function discardingCollector(): Promise<{ url: string; bytes: () => number; close(): Promise<void> }> {
  let bytes = 0;
  const server = http.createServer((req, res) => {
    req.on('data', (chunk: Buffer) => (bytes += chunk.length));
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    bytes: () => bytes,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

type Variant = 'off' | 'on';

/** bench/run.ts's entry. */
export async function run(): Promise<BenchSection> {
  const loadBefore = loadAverage();
  compileChildEntries();
  const env = await openBenchEnv();
  const collector = await discardingCollector();
  const payloads = benchPayloads(JOBS);
  const results: Record<Variant, DrainResult[]> = { off: [], on: [] };
  try {
    for (let round = 0; round < ROUNDS; round += 1) {
      const order: Variant[] = round % 2 === 0 ? ['off', 'on'] : ['on', 'off'];
      for (const variant of order) {
        const result = await drainRound(env, {
          kind: 'pipeline',
          payloads,
          concurrency: CONCURRENCY,
          limiter: UNBOUND_LIMITER,
          timeoutMs: 600_000,
          workerEnv:
            variant === 'on'
              ? { OTEL_EXPORTER_OTLP_ENDPOINT: collector.url, OTEL_SERVICE_NAME: 'bench-worker' }
              : {},
        });
        results[variant].push(result);
        console.log(
          `  round ${round + 1} tracing ${variant}: ${num(result.jobsPerSecond)} jobs/s, ` +
            `cpu ${num(result.workerCpuPerJob)} µs/job, failed ${result.failed}`,
        );
      }
    }
  } finally {
    await collector.close();
    await env.close();
  }
  const ratio = spread(results.on.map((r, i) => r.jobsPerSecond / (results.off[i]?.jobsPerSecond ?? NaN)));
  const cpuRatio = spread(
    results.on.map((r, i) => r.workerCpuPerJob / (results.off[i]?.workerCpuPerJob ?? NaN)),
  );
  const rows = (['off', 'on'] as Variant[]).map((variant) => {
    const of = (pick: (r: DrainResult) => number) => spread(results[variant].map(pick));
    return [
      variant,
      fmtSpread(of((r) => r.jobsPerSecond)),
      fmtSpread(of((r) => r.workerCpuPerJob)),
      fmtSpread(
        of((r) => r.peakRss / 1e6),
        0,
        ' MB',
      ),
      String(results[variant].reduce((sum, r) => sum + r.failed, 0)),
    ];
  });
  const markdown = [
    (QUICK ? '**Quick mode: a smoke test, not results.** ' : '') +
      `${num(JOBS)} complete payloads per round, concurrency ${CONCURRENCY}, 0 ms upstream latency, ` +
      `${ROUNDS} rounds per variant alternating which goes first; load average ${loadBefore} at the start, ` +
      `${loadAverage()} at the end. "On" exports every span over OTLP/HTTP to a local collector that ` +
      `discards them (${num(collector.bytes() / 1e6, 1)} MB received in all).`,
    '',
    table(['tracing', 'jobs/s', 'worker CPU µs/job', 'peak RSS', 'failed'], rows),
    '',
    `Tracing on / off, paired by round: jobs/s **${fmtSpread(ratio, 2)} ×**, worker CPU per job ` +
      `${fmtSpread(cpuRatio, 2)} ×.`,
    '',
    'Off is the default and is what every other section of this file measures: no SDK starts, BullMQ gets ' +
      'no telemetry object and the processor is not wrapped, so what remains per job is one active-span ' +
      'lookup per log line (a no-op context manager). The pipeline section, run on the same code, is the ' +
      '"within noise of today" comparison.',
  ].join('\n');
  return { title: 'Tracing: the worker with OpenTelemetry off and on', markdown };
}
