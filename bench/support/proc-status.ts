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
