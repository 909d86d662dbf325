import { Queue } from 'bullmq';
import { firstAttemptAt, recordAttempt } from '../../../src/delivery/delivery-attempt';
import { createRedisConnection } from '../../../src/queues/connection';
import { testPrefix, testRedisUrl } from '../../support/redis';

// How long an event has failed decides whether it is given up, so its start must be this run's.
describe('firstAttemptAt', () => {
  const connection = createRedisConnection(testRedisUrl(), 'producer');
  const queue = new Queue('sink-first-attempt', { connection, prefix: testPrefix('first-attempt') });

  afterAll(async () => {
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close();
    await connection.quit();
  });

  const attemptAt = (iso: string, attempt: number) => ({
    at: iso,
    attempt,
    result: 'failed' as const,
    durationMs: 5,
  });

  it("reads this run's first attempt: after a replay the run starts again at attempt 1", async () => {
    const job = await queue.add('event', { id: 'e-1' });
    await recordAttempt(job, attemptAt('2026-11-01T00:00:00.000Z', 1));
    await recordAttempt(job, attemptAt('2026-11-01T00:01:00.000Z', 2));
    expect(await firstAttemptAt(connection, job, 2)).toBe(Date.parse('2026-11-01T00:00:00.000Z'));

    // Replayed weeks later: attempts count from 1 again, and the old run's lines stay in the log.
    await recordAttempt(job, attemptAt('2026-12-01T10:00:00.000Z', 1));
    await recordAttempt(job, attemptAt('2026-12-01T10:00:30.000Z', 2));
    await recordAttempt(job, attemptAt('2026-12-01T10:01:30.000Z', 3));
    expect(await firstAttemptAt(connection, job, 3)).toBe(Date.parse('2026-12-01T10:00:00.000Z'));
  });

  it('falls back to the oldest line kept when the first was trimmed, and to nothing without a log', async () => {
    const job = await queue.add('event', { id: 'e-2' });
    expect(await firstAttemptAt(connection, job, 2)).toBeUndefined();
    await recordAttempt(job, attemptAt('2026-12-01T11:00:00.000Z', 7));
    await recordAttempt(job, attemptAt('2026-12-01T11:05:00.000Z', 8));
    expect(await firstAttemptAt(connection, job, 8)).toBe(Date.parse('2026-12-01T11:00:00.000Z'));
  });
});
