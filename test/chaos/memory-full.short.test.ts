import { createProcessGroup } from './support/child-process';
import { expectMemoryFullRefused } from './support/expectations';
import { runMemoryFullScenario } from './scenarios/memory-full';

const group = createProcessGroup();
afterEach(() => group.reapAll());

describe('chaos (short): Redis at maxmemory with noeviction', () => {
  it('the producer refuses every enqueue with a clear error and drops nothing silently', async () => {
    const result = await runMemoryFullScenario(group, { attempts: 20, http: false });
    expectMemoryFullRefused(result);
  }, 180_000);
});
