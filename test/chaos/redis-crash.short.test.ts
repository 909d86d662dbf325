import { createProcessGroup } from './support/child-process';
import { expectRedisCrashSurvived } from './support/expectations';
import { runRedisCrashScenario } from './scenarios/redis-crash';

const group = createProcessGroup();
afterEach(() => group.reapAll());

describe('chaos (short): Redis killed with -9 and restarted on its AOF', () => {
  it('keeps every acknowledged job, workers resume on their own, nothing is created twice', async () => {
    const result = await runRedisCrashScenario(group, {
      workers: 1,
      jobs: 60,
      paceMs: 50,
      crashAfterMs: 1_500,
      downMs: 1_500,
      seed: 3,
      drainTimeoutMs: 30_000,
    });
    expect(result.acknowledged).toBeGreaterThan(10);
    expectRedisCrashSurvived(result);
  }, 180_000);
});
