import type { RedisClient } from '../queues/connection';

/** A sink's state as operators see it. Absent fields: enabled, and no failure in progress. */
export interface SinkState {
  enabled: boolean;
  /** When the current run of failures began (ms since epoch); unset after any success. */
  failingSince?: number;
  disabledAt?: number;
  /** Who disabled it: `auto` or an operator, and why. */
  disabledBy?: string;
  reason?: string;
}

/** Sink state in Redis, one hash per sink under the queue prefix. */
export interface SinkStateStore {
  get(sink: string): Promise<SinkState>;
  /** Records a failure; returns when the current run of failures began (this one, if it is the first). */
  markFailing(sink: string, nowMs: number): Promise<number>;
  /** A success ends the run of failures. */
  markHealthy(sink: string): Promise<void>;
  /** Disables; false when it already was (so only one of many failing workers raises the alert). */
  setDisabled(sink: string, nowMs: number, by: string, reason: string): Promise<boolean>;
  setEnabled(sink: string): Promise<void>;
}

/** The Redis key of a sink's state hash. */
export function sinkStateKey(prefix: string, sink: string): string {
  return `${prefix}:onboarding-sink-state:${sink}`;
}

/** Creates the store over a shared connection. */
export function createSinkStateStore(connection: RedisClient, prefix: string): SinkStateStore {
  const key = (sink: string) => sinkStateKey(prefix, sink);
  return {
    async get(sink) {
      const hash = await connection.hgetall(key(sink));
      const num = (v: string | undefined) => (v === undefined ? undefined : Number(v));
      return {
        enabled: hash.disabled !== '1',
        failingSince: num(hash.failingSince),
        disabledAt: num(hash.disabledAt),
        disabledBy: hash.disabledBy,
        reason: hash.reason,
      };
    },
    async markFailing(sink, nowMs) {
      await connection.hsetnx(key(sink), 'failingSince', String(nowMs));
      return Number((await connection.hget(key(sink), 'failingSince')) ?? nowMs);
    },
    async markHealthy(sink) {
      await connection.hdel(key(sink), 'failingSince');
    },
    async setDisabled(sink, nowMs, by, reason) {
      if ((await connection.hsetnx(key(sink), 'disabled', '1')) === 0) return false;
      await connection.hset(key(sink), { disabledAt: String(nowMs), disabledBy: by, reason });
      return true;
    },
    async setEnabled(sink) {
      // A fresh window: the failures before the operator's fix do not count against the sink.
      await connection.hdel(key(sink), 'disabled', 'disabledAt', 'disabledBy', 'reason', 'failingSince');
    },
  };
}
