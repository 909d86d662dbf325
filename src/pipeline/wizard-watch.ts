import type { Logger } from '../logger';
import type { RedisClient } from '../queues/connection';
import { publishStalledWizards } from '../queues/customer-funnel';
import { createEventPublisher } from '../queues/event-publisher';

/**
 * Looks for customers stuck in Ropo's wizard every `everyMs` (at most hourly, at least every
 * minute) and publishes one `wizard_stalled` event each. Several workers may run it: the event
 * id is deterministic, so a race publishes one event. Returns the stop function.
 */
export function startWizardWatch(
  connection: RedisClient,
  prefix: string,
  /** config's `ropo.target`: only that Ropo One's pending customers are watched. */
  target: string,
  afterMs: number,
  logger: Logger,
): () => Promise<void> {
  const events = createEventPublisher(connection, prefix);
  const everyMs = Math.min(3_600_000, Math.max(60_000, Math.floor(afterMs / 10)));
  let running: Promise<void> = Promise.resolve();
  const check = () => {
    running = publishStalledWizards({ connection, prefix, target, afterMs }, events)
      .then((stalled) => {
        for (const s of stalled)
          logger.warn("customer stalled in Ropo's wizard", {
            businessId: s.businessId,
            jobId: s.jobId,
            pendingSince: s.pendingSince,
          });
      })
      .catch((error: unknown) => {
        logger.warn('could not check for stalled wizards', { error });
      });
  };
  const timer = setInterval(check, everyMs);
  timer.unref();
  check();
  return async () => {
    clearInterval(timer);
    await running;
    await events.close();
  };
}
