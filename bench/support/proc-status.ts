import { spawnSync } from 'node:child_process';
import fs from 'node:fs';

/** A /proc/<pid>/status field in bytes (kB in the file), or null where /proc or the process is gone. */
export function procStatusBytes(pid: number | 'self', field: 'VmRSS' | 'VmHWM' | 'RssAnon'): number | null {
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+)\\s+kB`, 'm').exec(
      fs.readFileSync(`/proc/${pid}/status`, 'utf8'),
    );
    return match ? Number(match[1]) * 1024 : null;
  } catch {
    return null;
  }
}

const CLOCK_TICKS = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;

/** User and system CPU of a process so far, µs, from /proc/<pid>/stat (clock-tick resolution). */
export function cpuMicros(pid: number): { total: number; system: number } {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name, which is in parentheses and may hold spaces: state is field 3.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const user = Number(fields[14 - 3]);
  const system = Number(fields[15 - 3]);
  return { total: ((user + system) * 1e6) / CLOCK_TICKS, system: (system * 1e6) / CLOCK_TICKS };
}
