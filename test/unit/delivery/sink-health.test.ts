import { decideFailure } from '../../../src/delivery/sink-health';

const DAY = 86_400_000;

describe('decideFailure', () => {
  it.each([
    ['first failure of a healthy sink', { failingSinceMs: 1000, eventFirstAttemptMs: 1000 }, 'retry'],
    [
      'sink failing for less than the window',
      { failingSinceMs: 1000 - DAY, eventFirstAttemptMs: 1000 },
      'retry',
    ],
    [
      'sink failing for the whole window',
      { failingSinceMs: 1000 - 3 * DAY, eventFirstAttemptMs: 1000 },
      'disable-sink',
    ],
    [
      'only this event fails for the window',
      { failingSinceMs: 1000, eventFirstAttemptMs: 1000 - 3 * DAY },
      'give-up-event',
    ],
    [
      'an event that waited in a backlog and failed only since the sink began failing is retried',
      { failingSinceMs: 1000 - DAY, eventFirstAttemptMs: 1000 - DAY },
      'retry',
    ],
    [
      'both: the sink is disabled, the event waits',
      { failingSinceMs: 1000 - 3 * DAY, eventFirstAttemptMs: 1000 - 3 * DAY },
      'disable-sink',
    ],
  ] as const)('%s', (_label, facts, expected) => {
    expect(decideFailure({ nowMs: 1000, disableAfterMs: 3 * DAY, ...facts })).toBe(expected);
  });
});
