import { createProcessGroup } from './support/child-process';
import { runSigkillScenario } from './scenarios/sigkill-workers';

const group = createProcessGroup();
afterEach(() => group.reapAll());

describe('chaos (short): workers killed with SIGKILL', () => {
  it('loses no job, creates no customer twice, publishes one outcome per business id', async () => {
    const result = await runSigkillScenario(group, {
      workers: 1,
      jobs: 80,
      kills: 2,
      killDelayMs: [200, 600],
      lockMs: 2000,
      stalledMs: 2000,
      seed: 1,
      drainTimeoutMs: 20_000,
    });
    expect(result.outcomes.failedWithoutRecord).toEqual([]);
    expect(result.outcomes.unfinished).toEqual([]);
    expect(result.outcomes.missing).toEqual([]);
    expect(result.createdTwice).toEqual([]);
    expect([...result.eventsOffByOne]).toEqual([]);
    expect(result.strandedRecoveryMs).toBeLessThanOrEqual(result.recoveryBoundMs);
    expect(result.worstRecoveryMs).toBeLessThanOrEqual(result.recoveryBoundMs);
  }, 60_000);
});
