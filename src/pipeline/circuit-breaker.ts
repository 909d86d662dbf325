import { BrokenCircuitError, CircuitState, ConsecutiveBreaker, circuitBreaker, handleWhen } from 'cockatiel';
import type { Logger } from '../logger';

import type { BreakerState } from '../queues/breaker-registry';

export type { BreakerState };

/** Options: how many consecutive unavailable answers open the breaker, and when a probe may go through. */
export interface BreakerOptions {
  threshold: number;
  halfOpenAfterMs: number;
  logger: Logger;
  /** Called on every transition, e.g. to publish the state to Redis for `stats`. */
  onStateChange?: (state: BreakerState) => void;
}

/** Guards calls to Ropo One: after `threshold` consecutive unavailable answers, calls fail fast until a probe succeeds. */
export interface RopoBreaker {
  execute<T>(call: () => Promise<T>): Promise<T>;
  state(): BreakerState;
  readonly halfOpenAfterMs: number;
}

const STATES: Record<CircuitState, BreakerState> = {
  [CircuitState.Closed]: 'closed',
  [CircuitState.Open]: 'open',
  [CircuitState.HalfOpen]: 'half-open',
  [CircuitState.Isolated]: 'open',
};

/** True when a call was refused because the breaker is open. */
export function isBrokenCircuit(error: unknown): boolean {
  return error instanceof BrokenCircuitError;
}

/**
 * A cockatiel breaker that counts only unavailability (network, 5xx, timeouts): a rejected
 * payload or a duplicate says nothing about Ropo One's health.
 */
export function createRopoBreaker(options: BreakerOptions): RopoBreaker {
  const policy = circuitBreaker(
    handleWhen((error) => (error as { code?: string }).code === 'ROPO_UNAVAILABLE'),
    { halfOpenAfter: options.halfOpenAfterMs, breaker: new ConsecutiveBreaker(options.threshold) },
  );
  policy.onStateChange((state) => {
    const named = STATES[state];
    options.logger.log(named === 'open' ? 'warn' : 'info', `circuit breaker ${named}`, {
      breaker: named,
      halfOpenAfterMs: options.halfOpenAfterMs,
    });
    options.onStateChange?.(named);
  });
  return {
    execute: (call) => policy.execute(() => call()),
    state: () => STATES[policy.state],
    halfOpenAfterMs: options.halfOpenAfterMs,
  };
}
