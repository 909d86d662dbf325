import { spawn } from 'node:child_process';
import path from 'node:path';
import { Queue } from 'bullmq';
import { createRedisConnection } from '../../../src/queues/connection';
import { createOnboardingProducer } from '../../../src/queues/onboarding-producer';
import { QUEUE_NAMES } from '../../../src/queues/queue-names';
import { SANDBOX_APICODE, SANDBOX_CID, startSandbox } from '../../../src/sandbox';
import { businessIds, minimalPayload } from '../../support/payloads';
import { startTestPipeline } from '../../support/pipeline-harness';
import { testPrefix, testRedisUrl } from '../../support/redis';
import { waitFor } from '../../support/wait-for';

const BIN = path.join(__dirname, '..', '..', '..', 'bin', 'onboarding.js');

describe('SIGTERM with jobs in flight', () => {
  it('lets them finish, leaves nothing active, and exits 0', async () => {
    const prefix = testPrefix('term');
    // Every call takes 1.5 s, so jobs are surely in flight when the signal lands.
    const sandbox = await startSandbox({ port: 0, faults: { latency: 1500 } });
    const connection = createRedisConnection(testRedisUrl(), 'producer');
    const producer = createOnboardingProducer({ connection, prefix });
    const onboarding = new Queue(QUEUE_NAMES.onboarding, { connection, prefix });
    const child = spawn(process.execPath, [BIN, 'worker'], {
      env: {
        ...process.env,
        REDIS_URL: testRedisUrl(),
        QUEUE_PREFIX: prefix,
        ROPO_BASE_URL: sandbox.baseUrl,
        ROPO_CID: SANDBOX_CID,
        ROPO_APICODE: SANDBOX_APICODE,
        WORKER_CONCURRENCY: '4',
        RATE_LIMIT_MAX: '1000',
        SHUTDOWN_TIMEOUT_MS: '10000',
        LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
      child.once('exit', (code, signal) => resolve({ code, signal })),
    );
    try {
      await producer.enqueueMany(businessIds(12, 8_000_000).map((id) => ({ payload: minimalPayload(id) })));
      const deadline = Date.now() + 20_000;
      while ((await onboarding.getActiveCount()) < 4) {
        if (Date.now() > deadline) throw new Error(`no jobs became active; worker said:\n${output}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const sentAt = Date.now();
      child.kill('SIGTERM');
      const { code } = await exited;

      expect(code).toBe(0);
      expect(Date.now() - sentAt).toBeLessThan(10_000);
      expect(await onboarding.getActiveCount()).toBe(0);
      const completed = await onboarding.getCompletedCount();
      expect(completed).toBeGreaterThanOrEqual(4);
      // What finished was created exactly once; what had not started waits for the next worker.
      expect(sandbox.creations().every((c) => c.count === 1)).toBe(true);
      expect(sandbox.creations()).toHaveLength(completed);
      expect(await onboarding.getWaitingCount()).toBe(12 - completed);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      await exited;
      await onboarding.obliterate({ force: true });
      await onboarding.close();
      await producer.close();
      await connection.quit();
      await sandbox.close();
    }
  }, 60_000);
});

describe("the worker's own shutdown deadline tells the truth about jobs in flight", () => {
  it('names how many jobs it abandons when they outlast SHUTDOWN_TIMEOUT_MS', async () => {
    const pipeline = await startTestPipeline({
      env: { SHUTDOWN_TIMEOUT_MS: '300' },
      sandbox: { faults: { latency: 3000 } },
    });
    try {
      const [id] = businessIds(1, 8_100_000) as [string];
      await pipeline.producer.enqueue(minimalPayload(id));
      await waitFor(() => pipeline.worker.inFlight() === 1, 10_000);
      await pipeline.worker.close();
      const line = pipeline
        .logText()
        .split('\n')
        .find((l) => l.includes('shutdown deadline passed'));
      expect(line).toBeDefined();
      expect(JSON.parse(line as string)).toMatchObject({
        message: 'shutdown deadline passed with jobs in flight; they will run again as stalled jobs',
        inFlight: 1,
      });
    } finally {
      await pipeline.close();
    }
  }, 30_000);
});
