import { isRedisConnectionError, RedisOutageLog } from '../../../src/queues/redis-outage-log';

function refused(): Error {
  return Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6379'), { code: 'ECONNREFUSED' });
}

function harness() {
  let now = Date.parse('2026-12-02T00:00:00.000Z');
  const lines: { level: string; message: string; meta: Record<string, unknown> }[] = [];
  const log = new RedisOutageLog({
    sink: { log: (level, message, meta) => lines.push({ level, message, meta }) },
    now: () => now,
  });
  return { log, lines, advance: (ms: number) => void (now += ms) };
}

describe('the Redis outage log (fake clock)', () => {
  it('logs an outage once when it starts, once a minute with a count, and once when it ends', () => {
    const { log, lines, advance } = harness();
    log.available(); // ready at start-up: no outage to close
    expect(lines).toHaveLength(0);

    log.error(refused(), 'worker');
    expect(lines).toEqual([
      {
        level: 'error',
        message: 'redis unavailable',
        meta: expect.objectContaining({
          code: 'REDIS_UNAVAILABLE',
          since: '2026-12-02T00:00:00.000Z',
          source: 'worker',
          error: expect.objectContaining({ code: 'ECONNREFUSED' }),
        }),
      },
    ]);

    // ioredis reports a failed reconnect several times a second, per connection.
    for (let i = 0; i < 299; i++) {
      advance(200);
      log.error(refused());
    }
    // 59.8 s in: still only the first line.
    expect(lines).toHaveLength(1);
    advance(200);
    log.tick();
    expect(lines).toHaveLength(2);
    expect(lines[1]).toEqual({
      level: 'warn',
      message: 'redis still unavailable',
      meta: {
        code: 'REDIS_UNAVAILABLE',
        since: '2026-12-02T00:00:00.000Z',
        outageMs: 60_000,
        errorsSuppressed: 299,
      },
    });
    log.tick();
    expect(lines).toHaveLength(2);

    advance(30_000);
    log.error(refused());
    log.available();
    expect(lines).toHaveLength(3);
    expect(lines[2]).toEqual({
      level: 'info',
      message: 'redis available again',
      meta: { since: '2026-12-02T00:00:00.000Z', outageMs: 90_000, errorsSuppressed: 1 },
    });
    expect(log.down).toBe(false);
    log.available();
    expect(lines).toHaveLength(3);
  });

  it('writes one periodic line after a stalled event loop, not one per missed minute', () => {
    const { log, lines, advance } = harness();
    log.error(refused());
    advance(5 * 60_000 + 1);
    log.tick();
    log.tick();
    expect(lines.map((l) => l.message)).toEqual(['redis unavailable', 'redis still unavailable']);
    advance(59_000);
    log.tick();
    expect(lines).toHaveLength(2);
    advance(1_000);
    log.tick();
    expect(lines).toHaveLength(3);
  });

  it('starts a new outage after one ended', () => {
    const { log, lines, advance } = harness();
    log.error(refused());
    advance(1000);
    log.available();
    advance(1000);
    log.error(refused());
    expect(lines.map((l) => l.message)).toEqual([
      'redis unavailable',
      'redis available again',
      'redis unavailable',
    ]);
  });

  it('tells connection errors from errors Redis answered', () => {
    expect(isRedisConnectionError(refused())).toBe(true);
    expect(isRedisConnectionError(new Error('Connection is closed.'))).toBe(true);
    expect(isRedisConnectionError(Object.assign(new Error('x'), { name: 'MaxRetriesPerRequestError' }))).toBe(
      true,
    );
    expect(
      isRedisConnectionError(new Error('WRONGTYPE Operation against a key holding the wrong kind of value')),
    ).toBe(false);
    expect(isRedisConnectionError('ECONNREFUSED')).toBe(false);
  });
});
