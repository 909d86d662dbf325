import os from 'node:os';
import { execFileSync } from 'node:child_process';

/** One line naming the machine and the versions the figures came from. */
export function describeMachine(): string {
  const cpus = os.cpus();
  let redis = 'redis-server ?';
  try {
    redis = /v=(\S+)/.exec(execFileSync('redis-server', ['--version'], { encoding: 'utf8' }))?.[1] ?? redis;
    redis = `Redis ${redis}`;
  } catch {
    // Only for the report; the bench itself fails later, clearly, if Redis is missing.
  }
  return (
    `${cpus.length} × ${cpus[0]?.model.trim() ?? 'unknown CPU'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ` +
    `${os.type()} ${os.release()}, Node ${process.version}, ${redis}`
  );
}

/** The 1-minute load average, to show how busy the shared machine was. */
export function loadAverage(): string {
  return os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' / ');
}
