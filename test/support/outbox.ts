import type { RedisClient } from '../../src/queues/connection';
import { outboxKey } from '../../src/queues/event-outbox';

/**
 * Waits until every outcome event in the outbox is on `onboarding-events`. A job completes once its
 * outcome and event are recorded together; the relay moves the event to the queue moments later (or,
 * for one a killed worker left, at the next sweep), so a test reading events waits for this first.
 */
export async function waitForOutboxDrained(
  connection: RedisClient,
  prefix: string,
  timeoutMs = 15_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const left = await connection.xlen(outboxKey(prefix));
    if (left === 0) return;
    if (Date.now() > deadline) throw new Error(`${left} event(s) still in the outbox after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
