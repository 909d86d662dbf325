import { PassThrough } from 'node:stream';
import fc from 'fast-check';
import { createLogger, redact, redactString, REDACTED, SENSITIVE_VALUE_PATTERNS } from '../../src/logger';

function capture() {
  const stream = new PassThrough();
  const chunks: string[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk.toString('utf8')));
  const logger = createLogger({ stream, level: 'debug' });
  const lines = async (): Promise<Record<string, unknown>[]> => {
    await new Promise((resolve) => setImmediate(resolve));
    return chunks
      .join('')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  };
  return { logger, lines, raw: () => chunks.join('') };
}

const SECRETS = {
  email: 'maija.meikalainen@example.fi',
  phone: '+358401234567',
  name: 'Maija Meikäläinen',
  iban: 'FI2112345600000785',
  token: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMDAwMDExIn0.c2lnbmF0dXJlLXNpZ25hdHVyZQ',
  apicode: 'apicode-7f3a9c1e',
};

describe('logger redaction', () => {
  it('writes one JSON object per line with level, message and timestamp', async () => {
    const { logger, lines } = capture();
    logger.info('customer created', { jobId: 'evt-1', businessId: '0112038-9', attempt: 1, durationMs: 12 });
    const [line] = await lines();
    expect(line).toMatchObject({
      level: 'info',
      message: 'customer created',
      jobId: 'evt-1',
      businessId: '0112038-9',
    });
    expect(typeof line?.timestamp).toBe('string');
  });

  it('never writes personal data or secrets, under sensitive keys or inside innocent strings', async () => {
    const { logger, raw } = capture();
    logger.info('payload received', {
      payload: { contact_person: { email: SECRETS.email, name: SECRETS.name } },
      contact_person: { email: SECRETS.email, telephone: SECRETS.phone, name: SECRETS.name },
      settlement_settings: { bank_account_number: SECRETS.iban, bank_account_owner: SECRETS.name },
      headers: { authorization: `Bearer ${SECRETS.token}` },
      apicode: SECRETS.apicode,
      token: SECRETS.token,
    });
    logger.warn(`Ropo said: customer ${SECRETS.email} with IBAN ${SECRETS.iban} and phone ${SECRETS.phone}`);
    logger.error('request failed', {
      error: new Error(`Bearer ${SECRETS.token} rejected for ${SECRETS.email}`),
    });
    const text = raw();
    for (const [kind, value] of Object.entries(SECRETS)) {
      expect({ kind, leaked: text.includes(value) }).toEqual({ kind, leaked: false });
    }
    expect(text).toContain(REDACTED);
  });

  it('keeps the business id, job ids and numbers that operators search by', () => {
    expect(
      redact({ businessId: '0112038-9', business_id: '0112038-9', jobId: 'evt-1', status: 503 }),
    ).toEqual({
      businessId: '0112038-9',
      business_id: '0112038-9',
      jobId: 'evt-1',
      status: 503,
    });
  });

  it('does not mutate what it is given and survives cycles', () => {
    const input: Record<string, unknown> = { email: SECRETS.email };
    input.self = input;
    const out = redact(input) as Record<string, unknown>;
    expect(input.email).toBe(SECRETS.email);
    expect(out.email).toBe(REDACTED);
    expect(out.self).toBe('[circular]');
  });
});

describe('redactString', () => {
  // The patterns as they run without the quick pre-check, which must never let a match through.
  const full = (value: string) =>
    SENSITIVE_VALUE_PATTERNS.reduce((out, pattern) => out.replace(pattern, REDACTED), value);

  it('masks exactly what the full set of patterns masks, for any mix of ids, words and secrets', () => {
    const fragment = fc.oneof(
      fc.string(),
      fc.constantFrom(
        ...Object.values(SECRETS),
        'Bearer abc.def',
        'bearer x',
        'BEARER y',
        'fi2112345600000785',
        'ph-0abcdef0123456789',
        'evt-1',
        '0112038-9',
        ' ',
        '+',
      ),
    );
    fc.assert(
      fc.property(fc.array(fragment, { maxLength: 6 }), (parts) => {
        const value = parts.join('');
        expect(redactString(value)).toBe(full(value));
      }),
      { numRuns: 2_000 },
    );
  });

  it('leaves plain ids and words alone', () => {
    for (const value of ['evt-1', '0112038-9', 'customer created', 'rp-ph-abc-2', 'ph-0abcdef0123456789'])
      expect(redactString(value)).toBe(value);
  });
});

describe('logger levels', () => {
  function leveled(level: string) {
    const stream = new PassThrough();
    const chunks: string[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk.toString('utf8')));
    const logger = createLogger({ stream, level, defaultMeta: { role: 'worker' } });
    const lines = async () => {
      await new Promise((resolve) => setImmediate(resolve));
      return chunks
        .join('')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as Record<string, unknown>);
    };
    return { logger, lines };
  }

  it('a filtered level is dropped before its fields are even read', async () => {
    const { logger, lines } = leveled('info');
    let reads = 0;
    const meta = {
      get jobId() {
        reads += 1;
        return 'job-1';
      },
    };
    logger.debug('filtered', meta);
    logger.child({ component: 'ropo' }).debug('filtered too', meta);
    logger.info('kept', meta);
    const written = await lines();
    expect(written.map((l) => l.message)).toEqual(['kept']);
    expect(reads).toBe(1);
  });

  it('child loggers keep their fields, and a changed level applies at once', async () => {
    const { logger, lines } = leveled('info');
    const child = logger.child({ component: 'ropo' });
    child.info('from the child');
    logger.level = 'debug';
    child.debug('now visible');
    logger.level = 'warn';
    child.info('hidden again');
    const written = await lines();
    expect(written.map((l) => [l.message, l.component, l.role, l.level])).toEqual([
      ['from the child', 'ropo', 'worker', 'info'],
      ['now visible', 'ropo', 'worker', 'debug'],
    ]);
  });
});
