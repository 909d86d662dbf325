/** How big each scenario is; the full plan uses the issue's counts, the quick one only smoke-tests. */
export interface BenchPlan {
  quick: boolean;
  rounds: number;
  concurrency: number;
  zeroLatencyJobs: number;
  latencyJobs: number;
  rateLimitJobs: number;
  outageJobs: number;
  outageMs: number;
  scaleOutJobs: number;
  enqueueJobs: number;
  longRunJobs: number;
}

/** The counts the issue asks for; {@link FULL_PLAN} says where it runs fewer, and docs/bench.md why. */
export const ISSUE_COUNTS = { zeroLatencyJobs: 20_000, latencyJobs: 10_000, longRunJobs: 100_000 } as const;

/** The full run: 5 paired rounds of everything at the issue's counts, and the 100,000-job memory run. */
export const FULL_PLAN: BenchPlan = {
  quick: false,
  rounds: 5,
  concurrency: 50,
  zeroLatencyJobs: ISSUE_COUNTS.zeroLatencyJobs,
  latencyJobs: ISSUE_COUNTS.latencyJobs,
  rateLimitJobs: 2_000,
  outageJobs: 1_000,
  outageMs: 20_000,
  scaleOutJobs: 4_000,
  enqueueJobs: 10_000,
  longRunJobs: ISSUE_COUNTS.longRunJobs,
};

/**
 * The plan with BENCH_ROUNDS / BENCH_ZERO_JOBS / BENCH_LATENCY_JOBS / BENCH_LONG_JOBS overrides, for
 * profiling one scenario at the issue's counts without editing the plan.
 */
export function withOverrides(plan: BenchPlan, env: NodeJS.ProcessEnv = process.env): BenchPlan {
  const pick = (name: string, fallback: number): number => {
    const value = Number(env[name]);
    return Number.isInteger(value) && value > 0 ? value : fallback;
  };
  return {
    ...plan,
    rounds: pick('BENCH_ROUNDS', plan.rounds),
    zeroLatencyJobs: pick('BENCH_ZERO_JOBS', plan.zeroLatencyJobs),
    latencyJobs: pick('BENCH_LATENCY_JOBS', plan.latencyJobs),
    longRunJobs: pick('BENCH_LONG_JOBS', plan.longRunJobs),
  };
}

/** A smoke test of every scenario in a couple of minutes; its figures are not results. */
export const QUICK_PLAN: BenchPlan = {
  quick: true,
  rounds: 1,
  concurrency: 50,
  zeroLatencyJobs: 1_000,
  latencyJobs: 1_000,
  rateLimitJobs: 600,
  outageJobs: 300,
  outageMs: 3_000,
  scaleOutJobs: 1_000,
  enqueueJobs: 2_000,
  longRunJobs: 3_000,
};

/** A limiter high enough never to bind: BullMQ still runs its limiter code path, as in production. */
export const UNBOUND_LIMITER = { max: 100_000, durationMs: 1_000 };
