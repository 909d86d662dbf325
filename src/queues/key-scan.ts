import { Cluster, type Redis } from 'ioredis';
import type { RedisClient } from './connection';

/** Escapes SCAN's glob characters, so a prefix is matched literally. */
export function globEscape(text: string): string {
  return text.replace(/[[\]*?\\]/g, '\\$&');
}

/** Every key matching `pattern` (a SCAN glob), on every master of a Cluster; reads only. */
export async function* scanKeys(connection: RedisClient, pattern: string): AsyncGenerator<string> {
  const nodes: Redis[] = connection instanceof Cluster ? connection.nodes('master') : [connection];
  for (const node of nodes) {
    let cursor = '0';
    do {
      const [next, keys] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      cursor = next;
      yield* keys;
    } while (cursor !== '0');
  }
}
