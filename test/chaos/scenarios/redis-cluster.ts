import { spawnSync } from 'node:child_process';
import { Redis } from 'ioredis';
import type { ProcessGroup } from '../support/child-process';
import { startChaosRedis, type ChaosRedis } from '../support/chaos-redis';
import { creationTally, enqueueAll, onboardingPayloads, sleep } from '../support/chaos-stack';
import { createQueueInspector, eventCountsOffByOne, type OutcomeCount } from '../support/queue-inspector';
import { reportScenario } from '../support/scenario-report';
import { startSandboxProcess } from '../support/sandbox-process';
import { workerEnv, workerSlot } from '../support/worker-process';

/** Sizes of the Cluster scenario. */
export interface ClusterOptions {
  jobsBefore: number;
  jobsDuringRestart: number;
  downMs: number;
  drainTimeoutMs: number;
}

/** What the scenario counted. */
export interface ClusterResult {
  outcomes: OutcomeCount;
  createdTwice: string[];
  repeatPosts: number;
  eventsOffByOne: Map<string, number>;
  /** ms from the killed master answering again until a job was completed. */
  resumeMs: number;
  workersRestarted: boolean;
  killedPort: number;
}

/** True when both redis-server and redis-cli (for `--cluster create`) are on PATH. */
export function hasClusterTools(): boolean {
  return spawnSync('redis-cli', ['--version'], { stdio: 'ignore' }).status === 0;
}

async function clusterOk(port: number): Promise<boolean> {
  const client = new Redis(port, '127.0.0.1', {
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    lazyConnect: true,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return /cluster_state:ok/.test(await client.cluster('INFO'));
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

async function waitForCluster(ports: number[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await Promise.all(ports.map(clusterOk))).every(Boolean)) {
    if (Date.now() > deadline) throw new Error(`cluster on ${ports.join(',')} not ok within ${timeoutMs} ms`);
    await sleep(200);
  }
}

/** The port of the master that serves the slot of `{onboarding}`, where every key of the queue lives. */
async function masterOfQueueSlot(port: number): Promise<number> {
  const client = new Redis(port, '127.0.0.1');
  try {
    const slot = (await client.cluster('KEYSLOT', '{onboarding}')) as number;
    const ranges = (await client.cluster('SLOTS')) as unknown as [number, number, [string, number]][];
    const range = ranges.find(([from, to]) => slot >= from && slot <= to);
    if (!range) throw new Error(`no master serves slot ${slot}`);
    return range[2][1];
  } finally {
    client.disconnect();
  }
}

/**
 * Scenario 7: three Redis Cluster masters (no replicas), the hash-tagged prefix `{onboarding}`, two
 * workers. The end-to-end path must work on Cluster, and survive a kill -9 and restart (AOF) of the
 * master that holds the queue's slot.
 */
export async function runClusterScenario(
  group: ProcessGroup,
  options: ClusterOptions,
): Promise<ClusterResult> {
  const nodeArgs = [
    '--cluster-enabled',
    'yes',
    '--cluster-config-file',
    'nodes.conf',
    '--cluster-node-timeout',
    '2000',
  ];
  const nodes: ChaosRedis[] = await Promise.all(
    [1, 2, 3].map((i) => startChaosRedis(group, { extraArgs: nodeArgs, name: `cluster-node-${i}` })),
  );
  const create = group.spawn({
    name: 'redis-cli --cluster create',
    command: 'redis-cli',
    args: [
      '--cluster',
      'create',
      ...nodes.map((n) => `127.0.0.1:${n.port}`),
      '--cluster-replicas',
      '0',
      '--cluster-yes',
    ],
  });
  const created = await create.exited;
  if (created.code !== 0) throw new Error(`redis-cli --cluster create failed:\n${create.output()}`);
  await waitForCluster(
    nodes.map((n) => n.port),
    30_000,
  );

  const clusterUrl = nodes.map((n) => n.url).join(',');
  const prefix = '{onboarding}';
  const sandbox = await startSandboxProcess(group);
  await sandbox.setFaults({ latency: { min: 20, max: 200 }, seed: 17 });
  const env = workerEnv(clusterUrl, prefix, sandbox.baseUrl);
  const workers = [1, 2].map((i) => workerSlot(group, `worker-${i}`, env));
  await Promise.all(workers.map((w) => w.start()));
  const pids = workers.map((w) => w.current().pid);
  const inspector = createQueueInspector(clusterUrl, prefix);
  group.defer(() => inspector.close());

  const items = onboardingPayloads(options.jobsBefore + options.jobsDuringRestart, 9_000_000);
  const jobIds = await enqueueAll(clusterUrl, prefix, items.slice(0, options.jobsBefore));
  await inspector.waitUntilDrained(options.drainTimeoutMs, jobIds.length);

  jobIds.push(...(await enqueueAll(clusterUrl, prefix, items.slice(options.jobsBefore))));
  await sleep(500);
  const killedPort = await masterOfQueueSlot((nodes[0] as ChaosRedis).port);
  const victim = nodes.find((n) => n.port === killedPort) as ChaosRedis;
  await victim.crash();
  await sleep(options.downMs);
  await victim.restart();
  await waitForCluster(
    nodes.map((n) => n.port),
    30_000,
  );
  const backAt = Date.now();
  const completedBefore = (await inspector.counts()).completed ?? 0;
  let resumeMs = Number.POSITIVE_INFINITY;
  while (Date.now() - backAt < 60_000) {
    const c = await inspector.counts();
    const open = (c.waiting ?? 0) + (c.active ?? 0) + (c.delayed ?? 0) + (c.prioritized ?? 0);
    if ((c.completed ?? 0) > completedBefore || open === 0) {
      resumeMs = Date.now() - backAt;
      break;
    }
    await sleep(100);
  }
  await inspector.waitUntilDrained(options.drainTimeoutMs, jobIds.length);

  const outcomes = await inspector.outcomes(jobIds);
  const tally = await creationTally(sandbox);
  const eventsOffByOne = eventCountsOffByOne(
    await inspector.events(),
    items.map((i) => i.businessId),
  );
  const workersRestarted = workers.some((w, i) => !w.current().running() || w.current().pid !== pids[i]);
  reportScenario({
    scenario: 'redis-cluster',
    jobs: jobIds.length,
    lost: outcomes.failedWithoutRecord.length + outcomes.unfinished.length + outcomes.missing.length,
    duplicates: tally.createdTwice.length,
    recoverMs: resumeMs,
    repeatPosts: tally.repeatPosts,
    killedMasterPort: killedPort,
    downMs: options.downMs,
    workersRestarted,
    created: outcomes.created,
    pending: outcomes.pending,
    exists: outcomes.exists,
    deadLettered: outcomes.deadLettered,
    eventsOffByOne: eventsOffByOne.size,
  });
  return {
    outcomes,
    createdTwice: tally.createdTwice,
    repeatPosts: tally.repeatPosts,
    eventsOffByOne,
    resumeMs,
    workersRestarted,
    killedPort,
  };
}
