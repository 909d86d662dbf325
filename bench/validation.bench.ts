/**
 * Issue 4: how fast `validatePayload` is on one core. Target: a complete payload at ≥ 50,000/s.
 * Run with `npm run bench -- validation`.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { validatePayload } from '../src/contracts/validate-payload';
import { completePayloadArb } from '../test/support/payload-arbitraries';
import type { BenchSection } from './run';

const TARGET_PER_SECOND = 50_000;
const ROUNDS = 9;
const WARMUP_MS = 1500;
const ROUND_MS = 700;

interface Scenario {
  name: string;
  payloads: unknown[];
  /** What every payload must give, so the bench measures the path it claims to. */
  expectOk: boolean;
}

interface Rates {
  wall: number[];
  cpu: number[];
}

function example(name: string): unknown {
  return JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'examples', `${name}.json`), 'utf8'));
}

function scenarios(): Scenario[] {
  // Distinct payloads (a fixed seed, so every run validates the same ones): repeating a single one
  // would let caches and branch predictors flatter the figure.
  const complete = fc
    .sample(completePayloadArb, { numRuns: 1000, seed: 20_261_126 })
    .map((payload) => ({ ...payload, users: payload.users?.slice(0, 1) }));
  return [
    {
      name: 'complete, the documented shape (1 user), 1,000 distinct payloads',
      payloads: complete,
      expectOk: true,
    },
    { name: 'complete, `examples/customer.json` repeated', payloads: [example('customer')], expectOk: true },
    { name: 'minimal (the two mandatory fields)', payloads: [example('customer-minimal')], expectOk: true },
    {
      name: "invalid (the docs example's `1234567-8`), errors built",
      payloads: [example('invalid-customer')],
      expectOk: false,
    },
  ];
}

/** Validates payloads round-robin for about `ms`, returning how many and the wall and CPU time spent. */
function spin(payloads: readonly unknown[], ms: number): { count: number; wallMs: number; cpuMs: number } {
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  let count = 0;
  let okCount = 0;
  // Checking the clock every 256 validations keeps its cost out of the figure.
  while (performance.now() - start < ms) {
    for (let i = 0; i < 256; i++) {
      if (validatePayload(payloads[count % payloads.length]).ok) okCount++;
      count++;
    }
  }
  const wallMs = performance.now() - start;
  const cpu = process.cpuUsage(cpuStart);
  if (okCount !== 0 && okCount !== count) throw new Error('a scenario mixed valid and invalid payloads');
  return { count, wallMs, cpuMs: (cpu.user + cpu.system) / 1000 };
}

function measure(scenario: Scenario): Rates {
  for (const payload of scenario.payloads) {
    if (validatePayload(payload).ok !== scenario.expectOk)
      throw new Error(`${scenario.name}: unexpected verdict`);
  }
  spin(scenario.payloads, WARMUP_MS);
  const rates: Rates = { wall: [], cpu: [] };
  for (let round = 0; round < ROUNDS; round++) {
    const { count, wallMs, cpuMs } = spin(scenario.payloads, ROUND_MS);
    rates.wall.push((count / wallMs) * 1000);
    rates.cpu.push((count / cpuMs) * 1000);
  }
  return rates;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const range = (values: readonly number[]) => `${fmt(Math.min(...values))}–${fmt(Math.max(...values))}`;

/** Runs the validation benchmark and returns its section of docs/bench.md. */
export async function run(): Promise<BenchSection> {
  const loadBefore = os.loadavg()[0]!;
  const rows: string[] = [];
  let headline: Rates | undefined;
  for (const scenario of scenarios()) {
    const rates = measure(scenario);
    headline ??= rates;
    rows.push(
      `| ${scenario.name} | ${fmt(median(rates.cpu))} | ${range(rates.cpu)} | ${fmt(median(rates.wall))} | ${range(rates.wall)} | ${(1e6 / median(rates.cpu)).toFixed(1)} µs |`,
    );
  }
  const cpuMedian = median(headline!.cpu);
  const wallMedian = median(headline!.wall);
  const verdict =
    cpuMedian >= TARGET_PER_SECOND
      ? `**meets** the target of ${fmt(TARGET_PER_SECOND)}/s`
      : `**misses** the target of ${fmt(TARGET_PER_SECOND)}/s`;
  return {
    title: 'Payload validation (`validatePayload`)',
    markdown: [
      `One process, one thread: each scenario is warmed up for ${WARMUP_MS / 1000} s, then measured over ${ROUNDS} rounds of ${ROUND_MS} ms. ` +
        'A rate is payloads validated per second of the process’s CPU time (what one core sustains, even while other ' +
        'processes share the machine) and per second of wall-clock time; the table gives the median and the range over the rounds.',
      '',
      '| scenario | median /s (CPU) | range /s (CPU) | median /s (wall) | range /s (wall) | per payload (CPU) |',
      '| --- | ---: | ---: | ---: | ---: | ---: |',
      ...rows,
      '',
      `A complete payload validates at a median of ${fmt(cpuMedian)}/s of CPU time (${fmt(wallMedian)}/s wall): ${verdict}. ` +
        `Load average was ${loadBefore.toFixed(2)} when the bench started; a busy machine lowers the wall-clock figures ` +
        'and, on a shared core (SMT), the CPU-time ones too.',
    ].join('\n'),
  };
}
