import { createProcessGroup } from './support/child-process';
import { runMemoryFullScenario } from './scenarios/memory-full';

const group = createProcessGroup();
afterEach(() => group.reapAll());

describe('chaos (short): Redis at maxmemory with noeviction', () => {
  it('the producer refuses every enqueue with a clear error and drops nothing silently', async () => {
    const result = await runMemoryFullScenario(group, { attempts: 20, http: false });
    // Redis may free a few bytes and take an odd job: fine, as long as it is really stored.
    expect(result.errors.filter(Boolean).length).toBeGreaterThan(result.attempts * 0.9);
    expect(result.silentlyDropped).toBe(0);
    expect(result.storedAnyway).toBe(0);
    for (const message of result.errors.filter(Boolean)) expect(message).toMatch(/OOM|maxmemory/);
    expect(result.recoveredAfterFree).toBe(true);
    for (const status of result.httpStatuses) expect([503, 507]).toContain(status);
  }, 60_000);
});
