import { createProcessGroup } from './support/child-process';
import { runStalledTwiceScenario } from './scenarios/stalled-twice';

const group = createProcessGroup();
afterEach(() => group.reapAll());

describe('chaos (short): a job whose worker is killed twice while holding it', () => {
  // KNOWN BUG (docs/reliability.md): BullMQ fails the job "stalled more than allowable limit" on its
  // next pick-up without running the processor, so no dead letter, no event, and the ledger claim
  // stays in flight for 15 minutes. `it.failing` keeps the suite green and turns red once it is fixed:
  // then make this a plain `it`.
  it.failing(
    'still ends with an outcome: a dead letter and one event',
    async () => {
      const result = await runStalledTwiceScenario(group);
      expect(result.outcomes.failedWithoutRecord).toEqual([]);
      expect(result.outcomes.deadLettered + result.outcomes.created + result.outcomes.pending).toBe(1);
      expect([...result.eventsOffByOne]).toEqual([]);
      expect(result.createdTwice).toEqual([]);
    },
    60_000,
  );
});
