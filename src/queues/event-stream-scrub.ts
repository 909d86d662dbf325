import type { RedisClient } from './connection';

const PAGE = 1000;

/** A stream entry's fields as a flat list of values (names dropped): what a match looks at. */
export type StreamEntryValues = readonly string[];

/**
 * The ids of the entries of a stream (BullMQ's `<prefix>:<queue>:events`, or any other) for which
 * `matches` holds, read page by page with XRANGE.
 */
export async function findStreamEntries(
  redis: RedisClient,
  streamKey: string,
  matches: (values: StreamEntryValues) => boolean,
): Promise<string[]> {
  const found: string[] = [];
  let start = '-';
  for (;;) {
    const page = await redis.xrange(streamKey, start, '+', 'COUNT', PAGE);
    for (const [id, fields] of page) {
      if (matches(fields.filter((_value, i) => i % 2 === 1))) found.push(id);
    }
    if (page.length < PAGE) return found;
    start = `(${(page[page.length - 1] as [string, string[]])[0]}`;
  }
}

/** Deletes entries by id (XDEL, in batches); returns how many were deleted. */
export async function deleteStreamEntries(
  redis: RedisClient,
  streamKey: string,
  ids: readonly string[],
): Promise<number> {
  let deleted = 0;
  for (let i = 0; i < ids.length; i += PAGE) {
    deleted += await redis.xdel(streamKey, ...ids.slice(i, i + PAGE));
  }
  return deleted;
}
