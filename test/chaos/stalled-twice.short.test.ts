import { createProcessGroup } from './support/child-process';
import { runStalledTwiceScenario } from './scenarios/stalled-twice';

const group = createProcessGroup();
afterEach(() => group.reapAll());

describe('chaos (short): a job whose worker is killed twice while holding it', () => {
  // BullMQ fails the job "stalled more than allowable limit" on its next pick-up without running
  // the processor; the worker's failed-event handler writes the dead letter and the event.
  it('still ends with an outcome: a dead letter and one event', async () => {
    const result = await runStalledTwiceScenario(group);
    expect(result.outcomes.failedWithoutRecord).toEqual([]);
    expect(result.outcomes.deadLettered + result.outcomes.created + result.outcomes.pending).toBe(1);
    expect([...result.eventsOffByOne]).toEqual([]);
    expect(result.createdTwice).toEqual([]);
  }, 180_000);
});
