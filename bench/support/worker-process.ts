/**
 * Child-process entry for the worker under test, so its RSS is its own and the load generator does not
 * share its event loop. BENCH_WORKER_KIND=baseline|pipeline; everything else comes from the service's own
 * environment variables (REDIS_URL, QUEUE_PREFIX, ROPO_*, WORKER_CONCURRENCY, RATE_LIMIT_*, LOG_LEVEL).
 * Answers {type:'stats'} with its memory figures and {type:'stop'} by closing cleanly.
 */
import v8 from 'node:v8';
import type { WorkerStats } from './worker-control';
import { procStatusBytes } from './proc-status';

const SAMPLE_MS = 100;
const TIMELINE_MS = 1_000;

/** V8's heap spaces (new_space, old_space, code_space, …) as they are now, bytes reserved. */
function heapSpaces(): Record<string, number> {
  return Object.fromEntries(v8.getHeapSpaceStatistics().map((s) => [s.space_name, s.space_size]));
}

// Each kind loads only its own modules, so the baseline's RSS does not carry the pipeline's imports.
async function startPipeline(): Promise<() => Promise<void>> {
  const { startPipelineWorker } = await import('./pipeline-worker.js');
  return startPipelineWorker(process.env);
}

async function startBaseline(): Promise<() => Promise<void>> {
  const { startBaselineWorker } = await import('./baseline-worker.js');
  const env = process.env;
  const worker = await startBaselineWorker({
    redisUrl: env.REDIS_URL as string,
    prefix: env.QUEUE_PREFIX ?? 'bull',
    // The queue's name as a literal: importing src/queues would load the pipeline's modules here.
    queueName: 'onboarding',
    baseUrl: env.ROPO_BASE_URL as string,
    cid: env.ROPO_CID as string,
    apicode: env.ROPO_APICODE as string,
    concurrency: Number(env.WORKER_CONCURRENCY ?? 10),
    limiter: { max: Number(env.RATE_LIMIT_MAX ?? 50), duration: Number(env.RATE_LIMIT_DURATION_MS ?? 1000) },
  });
  return () => worker.close();
}

let cpuSince = (): number => 0;
let systemSince = (): number => 0;

async function main(): Promise<void> {
  let peakRss = process.memoryUsage.rss();
  const timeline: number[] = [];
  const heapTimeline: number[] = [];
  const peaks = { heapTotalPeak: 0, externalPeak: 0, arrayBuffersPeak: 0 };
  setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
  }, SAMPLE_MS).unref();
  setInterval(() => {
    const usage = process.memoryUsage();
    timeline.push(usage.rss);
    heapTimeline.push(usage.heapTotal);
    peaks.heapTotalPeak = Math.max(peaks.heapTotalPeak, usage.heapTotal);
    peaks.externalPeak = Math.max(peaks.externalPeak, usage.external);
    peaks.arrayBuffersPeak = Math.max(peaks.arrayBuffersPeak, usage.arrayBuffers);
  }, TIMELINE_MS).unref();

  const kind = process.env.BENCH_WORKER_KIND;
  const close = kind === 'pipeline' ? await startPipeline() : await startBaseline();
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= close()
      .catch((error: unknown) => console.error('worker close failed', error))
      .finally(() => process.exit(0));
    return stopping;
  };
  process.on('SIGTERM', () => void stop());
  process.on('disconnect', () => void stop());
  process.on('message', (message: { type?: string }) => {
    if (message?.type === 'stop') void stop();
    if (message?.type === 'stats') {
      const stats: WorkerStats = {
        type: 'stats',
        peakRssSampled: Math.max(peakRss, process.memoryUsage.rss()),
        vmHwm: procStatusBytes('self', 'VmHWM'),
        rssAnon: procStatusBytes('self', 'RssAnon') ?? undefined,
        breakdown: { ...peaks, spacesAtEnd: heapSpaces() },
        rss: process.memoryUsage.rss(),
        timeline,
        heapTimeline,
        cpuMicros: cpuSince(),
        cpuSystemMicros: systemSince(),
      };
      process.send?.(stats);
    }
  });
  // CPU is counted from here, so start-up and module loading do not blur the per-job figure.
  const cpuAtReady = process.cpuUsage();
  cpuSince = () => {
    const used = process.cpuUsage(cpuAtReady);
    return used.user + used.system;
  };
  systemSince = () => process.cpuUsage(cpuAtReady).system;
  process.send?.({ type: 'ready' });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
