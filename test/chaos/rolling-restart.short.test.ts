import { createProcessGroup } from './support/child-process';
import { expectRollingRestartClean } from './support/expectations';
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
    expectRollingRestartClean(result, 10_000);
  }, 180_000);
});
