import axios from 'axios';
import { Worker } from 'bullmq';
import { Redis } from 'ioredis';

/** What the hand-written worker needs: the same Redis, queue, concurrency and limiter as the pipeline. */
export interface BaselineOptions {
  redisUrl: string;
  prefix: string;
  queueName: string;
  baseUrl: string;
  cid: string;
  apicode: string;
  concurrency: number;
  limiter: { max: number; duration: number };
}

/**
 * The twenty lines a user would write instead of the pipeline: one token fetched up front, then a
 * BullMQ Worker that POSTs each job's payload with a plain axios call. No validation, ledger, events,
 * breaker or token refresh; retries are whatever the job's `attempts`/`backoff` say.
 */
export async function startBaselineWorker(options: BaselineOptions): Promise<{ close(): Promise<void> }> {
  const connection = new Redis(options.redisUrl, { maxRetriesPerRequest: null });
  const { data } = await axios.post<{ token: string }>(`${options.baseUrl}/token`, {
    cid: options.cid,
    apicode: options.apicode,
  });
  const ropo = axios.create({
    baseURL: options.baseUrl,
    headers: { Authorization: `Bearer ${data.token}` },
  });
  const worker = new Worker(
    options.queueName,
    async (job) => (await ropo.post('/profile/createprofile', job.data.payload)).data as unknown,
    {
      connection,
      prefix: options.prefix,
      concurrency: options.concurrency,
      limiter: options.limiter,
    },
  );
  await worker.waitUntilReady();
  return {
    async close() {
      await worker.close();
      await connection.quit();
    },
  };
}
