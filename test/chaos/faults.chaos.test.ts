import { createProcessGroup } from './support/child-process';
import {
  expectBadInputContained,
  expectMemoryFullRefused,
  expectRedisCrashSurvived,
  expectRollingRestartClean,
  expectSigkillSurvived,
  expectUnclearAnswersHandled,
} from './support/expectations';
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
    expectSigkillSurvived(result);
  });

  it('2. rolling restart: SIGTERM each of two workers in turn, three rounds', async () => {
    const result = await runRollingRestartScenario(group, {
      jobs: 1000,
      rounds: 3,
      shutdownTimeoutMs: 10_000,
      seed: 12,
      drainTimeoutMs: 120_000,
    });
    expectRollingRestartClean(result, 10_000);
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
    expectRedisCrashSurvived(result);
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
    expectUnclearAnswersHandled(result);
  });

  it('5. Redis at maxmemory: the producer refuses with an error, never a silent drop', async () => {
    const result = await runMemoryFullScenario(group, { attempts: 200, http: true });
    expectMemoryFullRefused(result);
    expect(result.httpStatuses.length).toBeGreaterThan(0);
  });

  it('6. 10,000 fuzzed jobs straight onto the queue', async () => {
    const result = await runBadInputScenario(group, { jobs: 10_000, seed: 16, drainTimeoutMs: 240_000 });
    expectBadInputContained(result);
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
