/** How to run a redis-server for this service. */
export interface RedisServerOptions {
  port: number;
  dir: string;
  /** AOF with fsync every second: acknowledged jobs survive a crash. */
  appendonly: boolean;
  maxmemory?: string;
  extraArgs?: string[];
}

/**
 * The command line of every redis-server this project starts (`start`, the test harness, the chaos
 * suite, the benchmarks): loopback only, no RDB snapshots, and `noeviction`, because BullMQ's
 * production guide forbids evicting keys (an evicted key is a lost job).
 */
export function redisServerArgs(options: RedisServerOptions): string[] {
  return [
    '--port',
    String(options.port),
    '--bind',
    '127.0.0.1',
    '--dir',
    options.dir,
    '--save',
    '',
    '--appendonly',
    options.appendonly ? 'yes' : 'no',
    '--appendfsync',
    'everysec',
    '--maxmemory-policy',
    'noeviction',
    ...(options.maxmemory ? ['--maxmemory', options.maxmemory] : []),
    ...(options.extraArgs ?? []),
  ];
}
