import { createProcessGroup } from './support/child-process';
import { runBadInputScenario } from './scenarios/bad-input-flood';
import { runMemoryFullScenario } from './scenarios/memory-full';
import { runRedisCrashScenario } from './scenarios/redis-crash';
import { runRollingRestartScenario } from './scenarios/rolling-restart';
import { runSigkillScenario } from './scenarios/sigkill-workers';
import { runStalledTwiceScenario } from './scenarios/stalled-twice';
import { runUnclearAnswersScenario } from './scenarios/unclear-answers';

const group = createProcessGroup();
afterEach(() => group.reapAll());

describe('chaos: nothing lost, nothing created twice', () => {
  it('1. SIGKILL a worker 5 times during 1,000 jobs', async () => {
    const result = await runSigkillScenario(group, {
      jobs: 1000,
      kills: 5,
      killDelayMs: [500, 3_000],
      lockMs: 5000,
      stalledMs: 5000,
      seed: 11,
      drainTimeoutMs: 120_000,
    });
    expect(result.outcomes.failedWithoutRecord).toEqual([]);
    expect(result.outcomes.unfinished).toEqual([]);
    expect(result.outcomes.missing).toEqual([]);
    expect(result.createdTwice).toEqual([]);
    expect([...result.eventsOffByOne]).toEqual([]);
    expect(result.strandedRecoveryMs).toBeLessThanOrEqual(result.recoveryBoundMs);
    expect(result.worstRecoveryMs).toBeLessThanOrEqual(result.recoveryBoundMs);
  });

  it('2. rolling restart: SIGTERM each of two workers in turn, three rounds', async () => {
    const result = await runRollingRestartScenario(group, {
      jobs: 1000,
      rounds: 3,
      shutdownTimeoutMs: 10_000,
      seed: 12,
      drainTimeoutMs: 120_000,
    });
    expect(result.stalledEvents).toBe(0);
    expect(result.stalledLogLines).toBe(0);
    expect(result.createdTwice).toEqual([]);
    expect(result.repeatPosts).toBe(0);
    expect(result.outcomes.failedWithoutRecord).toEqual([]);
    expect(result.outcomes.unfinished).toEqual([]);
    expect([...result.eventsOffByOne]).toEqual([]);
    for (const close of result.closes) {
      expect(close).toMatchObject({ code: 0, forced: false });
      expect(close.ms).toBeLessThanOrEqual(10_000);
    }
  });

  it('3. Redis kill -9 during enqueue and processing, restarted on its AOF', async () => {
    const result = await runRedisCrashScenario(group, {
      jobs: 600,
      paceMs: 20,
      crashAfterMs: 5_000,
      downMs: 3_000,
      seed: 13,
      drainTimeoutMs: 120_000,
    });
    expect(result.lostOlderThan1s).toEqual([]);
    expect(result.resumeMs).toBeLessThanOrEqual(30_000);
    expect(result.workersRestarted).toBe(false);
    expect(result.createdTwice).toEqual([]);
    expect(result.outcomes.failedWithoutRecord).toEqual([]);
    expect(result.outcomes.unfinished).toEqual([]);
    expect([...result.eventsOffByOne]).toEqual([]);
  });

  it('4. 30% unclear answers: commit-then-drop and hangs', async () => {
    const result = await runUnclearAnswersScenario(group, {
      jobs: 1000,
      commitThenDrop: 0.15,
      hang: 0.15,
      timeoutMs: 1_000,
      seed: 14,
      drainTimeoutMs: 240_000,
    });
    expect(result.createdTwice).toEqual([]);
    expect(result.outcomes.failedWithoutRecord).toEqual([]);
    expect(result.outcomes.unfinished).toEqual([]);
    expect(result.deadLettersRepeated).toBe(0);
    expect(result.deadLetterRecords).toBe(result.failedJobs);
    expect([...result.eventsOffByOne]).toEqual([]);
  });

  it('5. Redis at maxmemory: the producer refuses with an error, never a silent drop', async () => {
    const result = await runMemoryFullScenario(group, { attempts: 200, http: true });
    // Redis may free a few bytes and take an odd job: fine, as long as it is really stored.
    expect(result.errors.filter(Boolean).length).toBeGreaterThan(result.attempts * 0.9);
    expect(result.silentlyDropped).toBe(0);
    expect(result.storedAnyway).toBe(0);
    for (const message of result.errors.filter(Boolean)) expect(message).toMatch(/OOM|maxmemory/);
    expect(result.recoveredAfterFree).toBe(true);
    expect(result.httpStatuses.length).toBeGreaterThan(0);
    for (const status of result.httpStatuses) expect([503, 507]).toContain(status);
  });

  it('6. 10,000 fuzzed jobs straight onto the queue', async () => {
    const result = await runBadInputScenario(group, { jobs: 10_000, seed: 16, drainTimeoutMs: 240_000 });
    expect(result.workersAlive).toBe(true);
    expect(result.workersRestarted).toBe(false);
    expect(result.ropoCalls).toBe(0);
    expect(result.completedSamples).toEqual([]);
    expect(result.failedWithoutRecord).toEqual([]);
    expect(result.deadLetterRecords).toBe(result.enqueued);
  });

  it('1b. a job whose worker is killed twice while holding it still ends with one dead letter', async () => {
    const result = await runStalledTwiceScenario(group);
    expect(result.outcomes.failedWithoutRecord).toEqual([]);
    expect(result.outcomes.deadLettered).toBe(1);
    expect(result.deadLetters).toBe(1);
    expect([...result.eventsOffByOne]).toEqual([]);
    expect(result.ledger).toBeNull();
    expect(result.createdTwice).toEqual([]);
  });
});
