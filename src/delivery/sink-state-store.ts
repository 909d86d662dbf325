import type { RedisClient } from '../queues/connection';
import { luaScript } from '../queues/redis-script';

const FAILING = luaScript(__dirname, 'sink-failing');

/** A sink's state as operators see it. Absent fields: enabled, and no failure in progress. */
export interface SinkState {
  enabled: boolean;
  /** When the current run of failures began (ms since epoch); unset after any success. */
  failingSince?: number;
  disabledAt?: number;
  /** When an operator last enabled it: its events' failures count from then, as the sink's do. */
  enabledAt?: number;
  /** Who disabled it: `auto` or an operator, and why. */
  disabledBy?: string;
  reason?: string;
}

/** What {@link SinkStateStore.markFailing} answers (ms since epoch). */
export interface FailingRun {
  /** When the sink's current run of failures began. */
  failingSinceMs: number;
  /** Since when the event counts as failing: its first attempt, or the sink's last enable if later. */
  eventFailingSinceMs: number;
}

/** Sink state in Redis, one hash per sink under the queue prefix. */
export interface SinkStateStore {
  get(sink: string): Promise<SinkState>;
  /**
   * Records a failed attempt of an event whose first attempt started at `eventFirstAttemptMs`;
   * returns when the sink's current run of failures began and since when the event counts as failing
   * (both no earlier than the last enable), the run never later than any of its events.
   */
  markFailing(sink: string, eventFirstAttemptMs: number): Promise<FailingRun>;
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
        enabledAt: num(hash.enabledAt),
        disabledBy: hash.disabledBy,
        reason: hash.reason,
      };
    },
    async markFailing(sink, eventFirstAttemptMs) {
      const [since, event] = (await FAILING(connection, [key(sink)], [String(eventFirstAttemptMs)])) as [
        string,
        string,
      ];
      return { failingSinceMs: Number(since), eventFailingSinceMs: Number(event) };
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
      // A fresh window: the failures before the operator's fix count neither against the sink nor
      // against its waiting events, so a sink enabled while still broken is disabled again, and
      // its events keep waiting rather than being given up one by one.
      const now = String(Date.now());
      await connection
        .multi()
        .hdel(key(sink), 'disabled', 'disabledAt', 'disabledBy', 'reason', 'failingSince')
        .hset(key(sink), { windowFrom: now, enabledAt: now })
        .exec();
    },
  };
}
