import type { RedisClient } from '../queues/connection';
import { luaScript } from '../queues/redis-script';

const FAILING = luaScript(__dirname, 'sink-failing');

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
  /**
   * Records a failed attempt that started at `attemptStartedMs`; returns when the current run of
   * failures began: the start of the earliest attempt that failed since the last success (or enable),
   * so no event of the run started before it.
   */
  markFailing(sink: string, attemptStartedMs: number): Promise<number>;
  /** A success at `nowMs` ends the run of failures; attempts that fail later count from it. */
  markHealthy(sink: string, nowMs: number): Promise<void>;
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
    async markFailing(sink, attemptStartedMs) {
      return Number(await FAILING(connection, [key(sink)], [String(attemptStartedMs)]));
    },
    async markHealthy(sink, nowMs) {
      await connection
        .multi()
        .hdel(key(sink), 'failingSince')
        .hset(key(sink), 'windowFrom', String(nowMs))
        .exec();
    },
    async setDisabled(sink, nowMs, by, reason) {
      if ((await connection.hsetnx(key(sink), 'disabled', '1')) === 0) return false;
      await connection.hset(key(sink), { disabledAt: String(nowMs), disabledBy: by, reason });
      return true;
    },
    async setEnabled(sink) {
      // A fresh window: the failures before the operator's fix do not count against the sink.
      await connection
        .multi()
        .hdel(key(sink), 'disabled', 'disabledAt', 'disabledBy', 'reason', 'failingSince')
        .hset(key(sink), 'windowFrom', String(Date.now()))
        .exec();
    },
  };
}
