import type { BenchEnv } from './bench-env';
import { drainRound, type DrainResult, type DrainSpec } from './drain-round';
import { mb, fmtSpread, num, table } from './report-format';
import { spread } from './stats';
import type { WorkerKind } from './worker-control';

/** A drain result without the per-job timings, which are large and no longer needed. */
export type RoundSummary = Omit<DrainResult, 'timings'>;

/** Rounds of each kind, in the order they ran. */
export type PairedRounds = Record<WorkerKind, RoundSummary[]>;

/** What a scenario keeps of each round, beyond the summary (e.g. sandbox call times). */
export type RoundHook = (kind: WorkerKind, result: DrainResult, round: number) => Promise<void> | void;

/**
 * Runs `rounds` rounds of each kind, alternating which goes first, so that the noise of a shared machine
 * (other engineers' tests) falls on both alike.
 */
export async function pairedRounds(
  env: BenchEnv,
  rounds: number,
  kinds: WorkerKind[],
  spec: (kind: WorkerKind) => Omit<DrainSpec, 'kind'>,
  onRound?: RoundHook,
  log: (line: string) => void = console.log,
): Promise<PairedRounds> {
  const results: PairedRounds = { baseline: [], pipeline: [] };
  for (let round = 0; round < rounds; round += 1) {
    const order = round % 2 === 0 ? kinds : [...kinds].reverse();
    for (const kind of order) {
      const result = await drainRound(env, { kind, ...spec(kind) });
      await onRound?.(kind, result, round);
      const { timings: _timings, ...summary } = result;
      results[kind].push(summary);
      if (process.env.BENCH_COMMANDS === '1') {
        const perJob = Object.entries(summary.redisCommandsPerJob)
          .sort(([, a], [, b]) => b - a)
          .map(([command, calls]) => `${command} ${num(calls, 2)}`);
        log(`    commands/job ${kind}: ${perJob.join(', ')}`);
        const usec = Object.entries(summary.redisUsecPerJob)
          .filter(([, micros]) => micros >= 0.5)
          .sort(([, a], [, b]) => b - a)
          .map(([command, micros]) => `${command} ${num(micros, 1)}`);
        log(`    Redis µs/job ${kind}: ${usec.join(', ')}`);
      }
      log(
        `  round ${round + 1} ${kind}: ${num(summary.jobsPerSecond)} jobs/s, p50 ${num(summary.latencyP50)} ms, ` +
          `cpu ${num(summary.workerCpuPerJob)} µs/job, redis ${num(summary.redisCpuPerJob)} µs/job, ` +
          `sandbox ${num(summary.sandboxCpuPerJob)} µs/job, ` +
          `${num(summary.redisCommandsTotalPerJob, 1)} cmds/job, rss ${mb(summary.peakRss)}, failed ${summary.failed}`,
      );
    }
  }
  return results;
}

/** The per-round ratio pipeline / baseline of jobs/s (rounds paired in run order). */
export function throughputRatios(results: PairedRounds): number[] {
  return results.pipeline.map((p, i) => p.jobsPerSecond / (results.baseline[i]?.jobsPerSecond ?? Number.NaN));
}

/** The standard table of a throughput scenario: one row per kind. */
export function throughputTable(results: PairedRounds): string {
  const rows = (Object.keys(results) as WorkerKind[])
    .filter((kind) => results[kind].length > 0)
    .map((kind) => {
      const r = results[kind];
      const of = (pick: (s: RoundSummary) => number) => spread(r.map(pick));
      return [
        kind,
        fmtSpread(of((s) => s.jobsPerSecond)),
        `${fmtSpread(of((s) => s.latencyP50))} / ${fmtSpread(of((s) => s.latencyP99))}`,
        `${fmtSpread(of((s) => s.serviceP50))} / ${fmtSpread(of((s) => s.serviceP99))}`,
        fmtSpread(of((s) => s.workerCpuPerJob)),
        fmtSpread(of((s) => s.redisCpuPerJob)),
        fmtSpread(of((s) => s.sandboxCpuPerJob)),
        fmtSpread(
          of((s) => s.peakRss / 1e6),
          0,
          ' MB',
        ),
        String(r.reduce((sum, s) => sum + s.failed, 0)),
      ];
    });
  return table(
    [
      'worker',
      'jobs/s',
      'enqueue→outcome p50 / p99 (ms)',
      'processedOn→finishedOn p50 / p99 (ms)',
      'worker CPU µs/job',
      'Redis CPU µs/job',
      'sandbox CPU µs/job',
      'peak RSS',
      'failed',
    ],
    rows,
  );
}
