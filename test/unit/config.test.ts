import { loadConfig } from '../../src/config';
import { ConfigError } from '../../src/errors/config-error';

function problemsOf(env: NodeJS.ProcessEnv): { variable: string; reason: string }[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('runs on embedded defaults with an empty environment: local Redis, sandbox, port 3000', () => {
    const config = loadConfig({});
    expect(config.redis).toEqual({
      url: 'redis://127.0.0.1:6379',
      explicit: false,
      prefix: 'bull',
      connectTimeoutMs: 5000,
    });
    expect(config.ropo.baseUrl).toBeUndefined();
    expect(config.http.port).toBe(3000);
    expect(config.worker.concurrency).toBeGreaterThan(0);
  });

  it('reads every documented variable', () => {
    const config = loadConfig({
      REDIS_URL: 'rediss://user:pw@redis.example:6380',
      QUEUE_PREFIX: '{onboarding}',
      ROPO_BASE_URL: 'https://ropo.example/rest/',
      ROPO_CID: '1000011',
      ROPO_APICODE: 'secret',
      WORKER_CONCURRENCY: '25',
      RATE_LIMIT_MAX: '200',
      RATE_LIMIT_DURATION_MS: '1000',
      JOB_ATTEMPTS: '5',
      BACKOFF_BASE_MS: '500',
      BACKOFF_MAX_MS: '60000',
      HTTP_PORT: '8080',
      HTTP_HOST: '0.0.0.0',
      HTTP_PROCESSES: '2',
      INTAKE_TOKENS: 'a, b,,c',
      OPERATOR_TOKENS: 'op',
      CREDENTIALS_TOKENS: 'cred1,cred2',
      BOARD_USERNAME: 'ops',
      BOARD_PASSWORD: 'pw',
      BOARD_READ_ONLY: 'true',
      LOG_LEVEL: 'debug',
      SHUTDOWN_TIMEOUT_MS: '10000',
    });
    expect(config.redis).toEqual({
      url: 'rediss://user:pw@redis.example:6380',
      explicit: true,
      prefix: '{onboarding}',
      connectTimeoutMs: 5000,
    });
    expect(config.ropo).toMatchObject({
      baseUrl: 'https://ropo.example/rest',
      cid: '1000011',
      apicode: 'secret',
    });
    expect(config.worker).toMatchObject({
      concurrency: 25,
      rateLimit: { max: 200, durationMs: 1000 },
      shutdownTimeoutMs: 10000,
    });
    expect(config.retry).toEqual({ attempts: 5, backoffBaseMs: 500, backoffMaxMs: 60000 });
    expect(config.http).toEqual({
      port: 8080,
      host: '0.0.0.0',
      processes: 2,
      intakeTokens: ['a', 'b', 'c'],
      operatorTokens: ['op'],
      credentialsTokens: ['cred1', 'cred2'],
      limits: {
        requestTimeoutMs: 30_000,
        headersTimeoutMs: 10_000,
        keepAliveTimeoutMs: 5_000,
        maxConnections: 1_000,
      },
    });
    expect(config.board).toEqual({ username: 'ops', password: 'pw', readOnly: true });
    expect(config.log.level).toBe('debug');
  });

  it('refuses HTTP_HEADERS_TIMEOUT_MS above HTTP_REQUEST_TIMEOUT_MS (Node would throw later)', () => {
    expect(() => loadConfig({ HTTP_REQUEST_TIMEOUT_MS: '5000', HTTP_HEADERS_TIMEOUT_MS: '6000' })).toThrow(
      /HTTP_HEADERS_TIMEOUT_MS: must not exceed HTTP_REQUEST_TIMEOUT_MS/,
    );
  });

  it('accepts a comma-separated list of nodes for Redis Cluster', () => {
    expect(loadConfig({ REDIS_URL: 'redis://a:7000,redis://b:7001' }).redis.url).toBe(
      'redis://a:7000,redis://b:7001',
    );
  });

  it.each([
    [{ WORKER_CONCURRENCY: 'ten' }, 'WORKER_CONCURRENCY'],
    [{ WORKER_CONCURRENCY: '0' }, 'WORKER_CONCURRENCY'],
    [{ HTTP_PORT: '70000' }, 'HTTP_PORT'],
    [{ HTTP_PROCESSES: '0' }, 'HTTP_PROCESSES'],
    [{ REDIS_URL: 'localhost:6379' }, 'REDIS_URL'],
    [{ QUEUE_PREFIX: 'bad:prefix' }, 'QUEUE_PREFIX'],
    [{ ROPO_BASE_URL: 'ftp://ropo/rest', ROPO_CID: 'c', ROPO_APICODE: 'a' }, 'ROPO_BASE_URL'],
    [{ ROPO_BASE_URL: 'https://ropo.example/rest' }, 'ROPO_CID'],
    [{ BOARD_READ_ONLY: 'maybe' }, 'BOARD_READ_ONLY'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    [{ BACKOFF_BASE_MS: '5000', BACKOFF_MAX_MS: '1000' }, 'BACKOFF_MAX_MS'],
    [{ BOARD_USERNAME: 'ops' }, 'BOARD_PASSWORD'],
    [{ EVENTS_RETENTION: 'forever' }, 'EVENTS_RETENTION'],
    [{ EVENTS_RETENTION: '30d,0' }, 'EVENTS_RETENTION'],
    [{ COMPLETED_RETENTION: '30d,10,5' }, 'COMPLETED_RETENTION'],
    [{ DEAD_LETTER_RETENTION_DAYS: '0' }, 'DEAD_LETTER_RETENTION_DAYS'],
    [{ ERASURE_HMAC_KEY: 'short' }, 'ERASURE_HMAC_KEY'],
  ])('rejects %j naming %s', (env, variable) => {
    const problems = problemsOf(env);
    expect(problems.map((p) => p.variable)).toContain(variable);
    expect(problems.every((p) => p.reason.length > 0)).toBe(true);
  });

  it('reports every bad variable at once, and never echoes a value', () => {
    const error = (() => {
      try {
        loadConfig({ HTTP_PORT: 'secret-port-value', WORKER_CONCURRENCY: 'secret-concurrency' });
      } catch (e) {
        return e as ConfigError;
      }
      throw new Error('expected a ConfigError');
    })();
    expect(error.problems.map((p) => p.variable).sort()).toEqual(['HTTP_PORT', 'WORKER_CONCURRENCY']);
    expect(error.message).toContain('HTTP_PORT');
    expect(error.message).not.toContain('secret-port-value');
    expect(error.message).not.toContain('secret-concurrency');
  });

  it('reads the retention limits: an age, optionally with a count; documented defaults otherwise', () => {
    expect(loadConfig({}).retention).toEqual({
      events: { ageMs: 30 * 86_400_000, count: 100_000 },
      completed: { ageMs: 30 * 86_400_000, count: undefined },
      deadLetterMs: 90 * 86_400_000,
      audit: { ageMs: 400 * 86_400_000, count: undefined },
      sweepEveryMs: 3_600_000,
    });
    const config = loadConfig({
      EVENTS_RETENTION: '7d, 500',
      COMPLETED_RETENTION: '12h',
      DEAD_LETTER_RETENTION_DAYS: '30',
      AUDIT_RETENTION: '730d,1000000',
      RETENTION_SWEEP_EVERY: '5m',
    });
    expect(config.retention).toEqual({
      events: { ageMs: 7 * 86_400_000, count: 500 },
      completed: { ageMs: 12 * 3_600_000, count: undefined },
      deadLetterMs: 30 * 86_400_000,
      audit: { ageMs: 730 * 86_400_000, count: 1_000_000 },
      sweepEveryMs: 300_000,
    });
    expect(loadConfig({}).erasure.hmacKey).toBeUndefined();
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig({ REDIS_URL: '', HTTP_PORT: '' }).redis.explicit).toBe(false);
  });
});
