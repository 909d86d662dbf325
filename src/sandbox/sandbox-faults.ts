import { z } from 'zod';

/** A fixed latency in ms, or a uniform distribution between min and max. */
export type LatencySpec = number | { min: number; max: number };

/** One scripted answer for the next request, before any rate applies. */
export type FaultStep =
  | {
      status: number;
      retryAfter?: number | string;
      /** Put the request body into the error's Message, as a careless Ropo One might (personal data included). */
      echo?: boolean;
    }
  | { action: 'hang' | 'reset' | 'commit-then-drop' | 'garbage' };

/** Faults for one endpoint. Rates are probabilities in [0, 1], drawn once per request. */
export interface FaultSet {
  latency?: LatencySpec;
  /** Answer with this status instead of processing, e.g. `{ "503": 0.3, "429": 0.1 }`. */
  errorRates?: Record<string, number>;
  /** `Retry-After` sent with injected 429 and 503 answers: seconds, or an HTTP date string. */
  retryAfter?: number | string;
  /** Never answer (until the client gives up or the sandbox closes). */
  hang?: number;
  /** Destroy the socket before answering: nothing was processed. */
  reset?: number;
  /** Process the request (record the creation), then destroy the socket instead of answering. */
  commitThenDrop?: number;
  /** Process the request, then answer 2xx with a body of neither documented shape. */
  garbageBody?: number;
  /** Deterministic script: the next requests get these, in order; then the rates apply again. */
  sequence?: FaultStep[];
}

/** Every fault the sandbox can inject. Top-level fields apply to createprofile; `token` to POST /rest/token. */
export interface SandboxFaults extends FaultSet {
  token?: FaultSet;
  /**
   * An outage of the whole /rest API starting when set: `mode` '503' (default) answers 503 with Retry-After
   * for the time left; 'reset' destroys every connection. A refused connection cannot be simulated by a
   * listening server, and closing the port would also close the admin API.
   */
  outage?: { forMs: number; mode?: '503' | 'reset' };
  /** 'accept' disables the duplicate check, simulating a Ropo One that creates twice. Default 'reject'. */
  duplicates?: 'reject' | 'accept';
  /** Seed for the rates' random draws, for reproducible runs. */
  seed?: number;
}

const rate = z.number().min(0).max(1);
const latencySchema = z.union([
  z.number().min(0),
  z
    .object({ min: z.number().min(0), max: z.number().min(0) })
    .strict()
    .refine((v) => v.max >= v.min, { message: 'max must be at least min' }),
]);
const stepSchema = z.union([
  z
    .object({
      status: z.number().int().min(100).max(599),
      retryAfter: z.union([z.number().min(0), z.string()]).optional(),
      echo: z.boolean().optional(),
    })
    .strict(),
  z.object({ action: z.enum(['hang', 'reset', 'commit-then-drop', 'garbage']) }).strict(),
]);
const faultSetShape = {
  latency: latencySchema.optional(),
  errorRates: z.record(z.string().regex(/^[1-5]\d\d$/, 'expected an HTTP status'), rate).optional(),
  retryAfter: z.union([z.number().min(0), z.string()]).optional(),
  hang: rate.optional(),
  reset: rate.optional(),
  commitThenDrop: rate.optional(),
  garbageBody: rate.optional(),
  sequence: z.array(stepSchema).optional(),
};

/** Validates faults given as JSON (admin API, CLI); unknown keys are refused so a typo never silently does nothing. */
export const sandboxFaultsSchema: z.ZodType<SandboxFaults> = z
  .object({
    ...faultSetShape,
    token: z.object(faultSetShape).strict().optional(),
    outage: z
      .object({ forMs: z.number().min(0), mode: z.enum(['503', 'reset']).optional() })
      .strict()
      .optional(),
    duplicates: z.enum(['reject', 'accept']).optional(),
    seed: z.number().int().optional(),
  })
  .strict();

/** What to do with one request, decided before it is processed. */
export type FaultDecision =
  | { kind: 'none' }
  | { kind: 'status'; status: number; retryAfter?: number | string; echo?: boolean }
  | { kind: 'hang' }
  | { kind: 'reset' }
  | { kind: 'commit-then-drop' }
  | { kind: 'garbage' };

/** Picks the fault for one request: the script first, then one draw over the rates. Consumes a script step. */
export function pickFault(set: FaultSet | undefined, random: () => number): FaultDecision {
  if (!set) return { kind: 'none' };
  const step = set.sequence?.shift();
  if (step) {
    if ('status' in step)
      return {
        kind: 'status',
        status: step.status,
        retryAfter: step.retryAfter ?? set.retryAfter,
        ...(step.echo && { echo: true }),
      };
    return step.action === 'garbage' ? { kind: 'garbage' } : { kind: step.action };
  }
  const options: [number, FaultDecision][] = [
    [set.hang ?? 0, { kind: 'hang' }],
    [set.reset ?? 0, { kind: 'reset' }],
    ...Object.entries(set.errorRates ?? {}).map(([status, p]): [number, FaultDecision] => [
      p,
      { kind: 'status', status: Number(status), retryAfter: set.retryAfter },
    ]),
    [set.commitThenDrop ?? 0, { kind: 'commit-then-drop' }],
    [set.garbageBody ?? 0, { kind: 'garbage' }],
  ];
  if (options.every(([p]) => p <= 0)) return { kind: 'none' };
  let draw = random();
  for (const [p, decision] of options) {
    if (draw < p) return decision;
    draw -= p;
  }
  return { kind: 'none' };
}

/** Milliseconds of latency to add for one request. */
export function pickLatency(spec: LatencySpec | undefined, random: () => number): number {
  if (spec === undefined) return 0;
  if (typeof spec === 'number') return spec;
  return spec.min + random() * (spec.max - spec.min);
}

/** A small seeded PRNG (mulberry32), so a fault run can be replayed exactly. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
