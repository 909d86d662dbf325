import { createProcessGroup } from './support/child-process';
import { expectBadInputContained } from './support/expectations';
import { runBadInputScenario } from './scenarios/bad-input-flood';

const group = createProcessGroup();
afterEach(() => group.reapAll());

describe('chaos (short): a flood of malformed jobs put straight on the queue', () => {
  it('never crashes a worker or calls Ropo One, and dead-letters every one', async () => {
    const result = await runBadInputScenario(group, {
      jobs: 400,
      workers: 1,
      seed: 6,
      drainTimeoutMs: 40_000,
    });
    expect(result.enqueued).toBeGreaterThan(300);
    expectBadInputContained(result);
    expect(result.completedJobs).toBe(0);
  }, 180_000);
});
