import { createProcessGroup } from './support/child-process';
import { expectUnclearAnswersHandled } from './support/expectations';
import { runUnclearAnswersScenario } from './scenarios/unclear-answers';

const group = createProcessGroup();
afterEach(() => group.reapAll());

describe('chaos (short): Ropo One commits and drops the answer, or never answers', () => {
  it('creates nothing twice and ends every job once', async () => {
    const result = await runUnclearAnswersScenario(group, {
      workers: 1,
      jobs: 80,
      commitThenDrop: 0.15,
      hang: 0.15,
      timeoutMs: 1_000,
      seed: 4,
      drainTimeoutMs: 40_000,
    });
    expect(result.drops + result.hangs).toBeGreaterThan(5);
    expectUnclearAnswersHandled(result);
  }, 180_000);
});
