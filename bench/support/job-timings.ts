import type { Redis } from 'ioredis';

/** Times BullMQ stored on one finished job (epoch ms). */
export interface JobTiming {
  timestamp: number;
  processedOn: number;
  finishedOn: number;
}

const CHUNK = 5_000;

/** Reads timestamp, processedOn and finishedOn of every completed and failed job of a queue. */
export async function readJobTimings(redis: Redis, prefix: string, queueName: string): Promise<JobTiming[]> {
  const base = `${prefix}:${queueName}`;
  const ids = [
    ...(await redis.zrange(`${base}:completed`, 0, -1)),
    ...(await redis.zrange(`${base}:failed`, 0, -1)),
  ];
  const timings: JobTiming[] = [];
  for (let i = 0; i < ids.length; i += CHUNK) {
    const pipeline = redis.pipeline();
    for (const id of ids.slice(i, i + CHUNK)) {
      pipeline.hmget(`${base}:${id}`, 'timestamp', 'processedOn', 'finishedOn');
    }
    for (const [error, reply] of (await pipeline.exec()) ?? []) {
      const [timestamp, processedOn, finishedOn] = (reply as (string | null)[] | null) ?? [];
      if (error || !timestamp || !processedOn || !finishedOn) continue;
      timings.push({
        timestamp: Number(timestamp),
        processedOn: Number(processedOn),
        finishedOn: Number(finishedOn),
      });
    }
  }
  return timings;
}
