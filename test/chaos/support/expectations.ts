import type { BadInputResult } from '../scenarios/bad-input-flood';
import type { MemoryFullResult } from '../scenarios/memory-full';
import type { RedisCrashResult } from '../scenarios/redis-crash';
import type { RollingRestartResult } from '../scenarios/rolling-restart';
import type { SigkillResult } from '../scenarios/sigkill-workers';
import type { UnclearAnswersResult } from '../scenarios/unclear-answers';

// What each scenario promises, asserted the same way by its long run (npm run test:chaos) and its
// short variant inside npm test; the test files add only what depends on their sizes.

/** Every job reached an outcome, none created a customer twice, each business id has one event. */
function expectNothingLost(result: {
  outcomes: { failedWithoutRecord: string[]; unfinished: string[] };
  createdTwice: string[];
  eventsOffByOne: Map<string, number>;
}): void {
  expect(result.outcomes.failedWithoutRecord).toEqual([]);
  expect(result.outcomes.unfinished).toEqual([]);
  expect(result.createdTwice).toEqual([]);
  expect([...result.eventsOffByOne]).toEqual([]);
}

/**
 * Scenario 1: killed workers lose nothing and their jobs recover within lock + stalled interval,
 * twice. `loadMarginMs` is time a busy machine may add on top (a slow restart, a slow first call):
 * the long run on a quiet machine uses none; inside `npm test` the bound must not fail on load.
 */
export function expectSigkillSurvived(result: SigkillResult, options: { loadMarginMs?: number } = {}): void {
  expectNothingLost(result);
  expect(result.outcomes.missing).toEqual([]);
  const bound = result.recoveryBoundMs + (options.loadMarginMs ?? 0);
  expect(result.strandedRecoveryMs).toBeLessThanOrEqual(bound);
  expect(result.worstRecoveryMs).toBeLessThanOrEqual(bound);
  // Stranded jobs end by being handed on. One stranded in more kills than MAX_STALLED_COUNT (1)
  // allows ends dead-lettered as stalled; stalled with fewer kills, a live worker lost its lock.
  for (const deadLetter of result.strandedDeadLetters) {
    expect(deadLetter).toEqual({ code: 'JOB_STALLED', kills: expect.any(Number) });
    expect(deadLetter.kills).toBeGreaterThanOrEqual(2);
  }
}

/** Scenario 2: SIGTERM lets in-flight jobs finish: nothing stalls, nothing is sent twice, every close is clean. */
export function expectRollingRestartClean(result: RollingRestartResult, shutdownTimeoutMs: number): void {
  expectNothingLost(result);
  expect(result.stalledEvents).toBe(0);
  expect(result.stalledLogLines).toBe(0);
  expect(result.repeatPosts).toBe(0);
  for (const close of result.closes) {
    expect(close).toMatchObject({ code: 0, forced: false });
    expect(close.ms).toBeLessThanOrEqual(shutdownTimeoutMs);
  }
}

/** Scenario 3: what was acknowledged before the crash survives, and workers resume on their own. */
export function expectRedisCrashSurvived(result: RedisCrashResult): void {
  expectNothingLost(result);
  expect(result.lostOlderThan1s).toEqual([]);
  expect(result.resumeMs).toBeLessThanOrEqual(30_000);
  expect(result.workersRestarted).toBe(false);
}

/** Scenario 4: lost and hung answers create no customer twice and dead-letter each failure once. */
export function expectUnclearAnswersHandled(result: UnclearAnswersResult): void {
  expectNothingLost(result);
  expect(result.deadLettersRepeated).toBe(0);
  // A failed job is removed once its record is written; any still failed must have its record.
  expect(result.failedJobs).toBeLessThanOrEqual(result.deadLetterRecords);
}

/** Scenario 5: a full Redis refuses clearly, never drops silently, and recovers once memory is freed. */
export function expectMemoryFullRefused(result: MemoryFullResult): void {
  // Redis may free a few bytes and take an odd job: fine, as long as it is really stored.
  expect(result.errors.filter(Boolean).length).toBeGreaterThan(result.attempts * 0.9);
  expect(result.silentlyDropped).toBe(0);
  expect(result.storedAnyway).toBe(0);
  for (const message of result.errors.filter(Boolean)) expect(message).toMatch(/OOM|maxmemory/);
  expect(result.recoveredAfterFree).toBe(true);
  for (const status of result.httpStatuses) expect([503, 507]).toContain(status);
}

/** Scenario 6: garbage is dead-lettered, one record each, with no call to Ropo One and no crash. */
export function expectBadInputContained(result: BadInputResult): void {
  expect(result.workersAlive).toBe(true);
  expect(result.workersRestarted).toBe(false);
  expect(result.ropoCalls).toBe(0);
  expect(result.completedSamples).toEqual([]);
  expect(result.failedWithoutRecord).toEqual([]);
  expect(result.deadLetterRecords).toBe(result.enqueued);
}
