import { execFileSync } from 'node:child_process';
import os from 'node:os';

/** The redis-server version the run used, for the report. */
export function redisVersion(): string {
  try {
    const version = /v=(\S+)/.exec(execFileSync('redis-server', ['--version'], { encoding: 'utf8' }))?.[1];
    return `Redis ${version ?? '?'}`;
  } catch {
    // Only for the report; the bench itself fails later, clearly, if Redis is missing.
    return 'Redis ?';
  }
}

/** The 1, 5 and 15 minute load averages, to show how busy the shared machine was. */
export function loadAverage(): string {
  return os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' / ');
}
