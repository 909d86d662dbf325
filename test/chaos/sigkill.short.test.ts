import { createProcessGroup } from './support/child-process';
import { expectSigkillSurvived } from './support/expectations';
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
    // Recovered by itself, not by a hand: the 8 s figure on a quiet machine is the long run's to hold
    // (it once took 9.3 s here while two other suites ran); 10 s more still fails a job left stranded.
    expectSigkillSurvived(result, { loadMarginMs: 10_000 });
  }, 180_000);
});
