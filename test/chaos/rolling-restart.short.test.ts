import { createProcessGroup } from './support/child-process';
import { runRollingRestartScenario } from './scenarios/rolling-restart';

const group = createProcessGroup();
afterEach(() => group.reapAll());

describe('chaos (short): rolling restart with SIGTERM', () => {
  it('stalls nothing, sends nothing twice, and every close exits 0 within its deadline', async () => {
    const result = await runRollingRestartScenario(group, {
      jobs: 80,
      rounds: 1,
      shutdownTimeoutMs: 10_000,
      seed: 2,
      drainTimeoutMs: 30_000,
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
  }, 60_000);
});
