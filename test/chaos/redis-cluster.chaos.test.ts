import { createProcessGroup } from './support/child-process';
import { hasClusterTools, runClusterScenario } from './scenarios/redis-cluster';

const group = createProcessGroup();
afterEach(() => group.reapAll());

const withCluster = hasClusterTools() ? describe : describe.skip;

withCluster('chaos: Redis Cluster (3 masters, {onboarding} hash tag)', () => {
  it('7. processes end to end and survives kill -9 of the master holding the queue', async () => {
    const result = await runClusterScenario(group, {
      jobsBefore: 200,
      jobsDuringRestart: 300,
      downMs: 3_000,
      drainTimeoutMs: 120_000,
    });
    expect(result.outcomes.failedWithoutRecord).toEqual([]);
    expect(result.outcomes.unfinished).toEqual([]);
    expect(result.outcomes.missing).toEqual([]);
    expect(result.createdTwice).toEqual([]);
    expect([...result.eventsOffByOne]).toEqual([]);
    expect(result.resumeMs).toBeLessThanOrEqual(30_000);
    expect(result.workersRestarted).toBe(false);
  });
});
