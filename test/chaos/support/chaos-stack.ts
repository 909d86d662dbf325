import { randomBytes } from 'node:crypto';
import type { SandboxFaults } from '../../../src/sandbox';
import { createOnboardingProducer } from '../../../src/queues/onboarding-producer';
import { businessIds, completePayload, minimalPayload } from '../../support/payloads';
import type { ProcessGroup } from './child-process';
import { startChaosRedis, type ChaosRedis } from './chaos-redis';
import { createQueueInspector, type QueueInspector } from './queue-inspector';
import { startSandboxProcess, type SandboxProcess } from './sandbox-process';
import { workerEnv, workerSlot, type WorkerSlot } from './worker-process';
import { seededRandom } from '../../../src/sandbox/sandbox-faults';

/** Redis, the sandbox and N workers, each in its own process, on one fresh queue prefix. */
export interface ChaosStack {
  prefix: string;
  redis: ChaosRedis;
  sandbox: SandboxProcess;
  workers: WorkerSlot[];
  inspector: QueueInspector;
}

/** Options of {@link startChaosStack}. */
export interface ChaosStackOptions {
  workers: number;
  /** Worker environment on top of {@link workerEnv}. */
  env?: NodeJS.ProcessEnv;
  faults?: SandboxFaults;
  /** Start the workers now (default) or leave that to the scenario. */
  startWorkers?: boolean;
}

/** A queue prefix of its own per scenario. */
export function chaosPrefix(label: string): string {
  return `chaos-${label}-${randomBytes(3).toString('hex')}`;
}

/** Starts everything in the group; the group's `reapAll` stops it all. */
export async function startChaosStack(
  group: ProcessGroup,
  label: string,
  options: ChaosStackOptions,
): Promise<ChaosStack> {
  const prefix = chaosPrefix(label);
  const [redis, sandbox] = await Promise.all([startChaosRedis(group), startSandboxProcess(group)]);
  if (options.faults) await sandbox.setFaults(options.faults);
  const env = { ...workerEnv(redis.url, prefix, sandbox.baseUrl), ...options.env };
  const workers = Array.from({ length: options.workers }, (_, i) =>
    workerSlot(group, `worker-${i + 1}`, env),
  );
  const inspector = createQueueInspector(redis.url, prefix);
  group.defer(() => inspector.close());
  if (options.startWorkers !== false) await Promise.all(workers.map((w) => w.start()));
  return { prefix, redis, sandbox, workers, inspector };
}

/** One job to enqueue: half complete payloads (created), half minimal ones (pending). */
export function onboardingPayloads(
  count: number,
  firstId: number,
): { businessId: string; payload: unknown }[] {
  return businessIds(count, firstId).map((businessId, i) => ({
    businessId,
    payload: i % 2 === 0 ? completePayload(businessId) : minimalPayload(businessId),
  }));
}

/** Enqueues through the library entry, in batches; returns the job ids in order. */
export async function enqueueAll(
  redisUrl: string,
  prefix: string,
  items: { payload: unknown }[],
  attempts = 8,
): Promise<string[]> {
  const producer = createOnboardingProducer({ connection: redisUrl, prefix, attempts });
  try {
    const ids: string[] = [];
    for (let i = 0; i < items.length; i += 200) {
      const batch = items.slice(i, i + 200).map((item) => ({ payload: item.payload }));
      ids.push(...(await producer.enqueueMany(batch)).map((r) => r.jobId));
    }
    return ids;
  } finally {
    await producer.close();
  }
}

/** A small seeded PRNG (the sandbox's own), so a scenario's kill moments can be replayed. */
export const seeded = seededRandom;

/** Resolves after `ms`. */
export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Sandbox numbers every scenario reports: calls, commits, and second POSTs for an id already created. */
export async function creationTally(sandbox: SandboxProcess) {
  const [creations, stats] = await Promise.all([sandbox.creations(), sandbox.stats()]);
  return {
    calls: stats.createProfileCalls,
    createdIds: creations.length,
    /** Ids committed more than once: a duplicate customer in Ropo One. */
    createdTwice: creations.filter((c) => c.count > 1).map((c) => c.businessId),
    /** POSTs for an id already committed (Ropo answered 409 and the job ended `exists`). */
    repeatPosts: creations.reduce((n, c) => n + c.duplicates, 0),
    creations,
    stats,
  };
}
