import { createProcessGroup } from './support/child-process';
import { runMemoryFullScenario } from './scenarios/memory-full';

const group = createProcessGroup();
afterEach(() => group.reapAll());

describe('chaos (short): Redis at maxmemory with noeviction', () => {
  it('the producer refuses every enqueue with a clear error and drops nothing silently', async () => {
    const result = await runMemoryFullScenario(group, { attempts: 20 });
    expect(result.resolvedWhileFull).toBe(0);
    expect(result.silentlyDropped).toBe(0);
    expect(result.storedAnyway).toBe(0);
    for (const message of result.errors) expect(message).toMatch(/OOM|maxmemory/);
    expect(result.recoveredAfterFree).toBe(true);
  }, 60_000);
});
