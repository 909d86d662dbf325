import type { RedisClient } from './connection';
import { luaScript } from './redis-script';

const BATCH = luaScript(__dirname, 'ledger-batch');

/** The operations the batch script knows (src/queues/lua/ledger-batch.lua). */
export type LedgerOperation = 'claim' | 'settle';

/** Runs ledger operations; each answers the array its Lua function returns. */
export interface LedgerBatch {
  run(operation: LedgerOperation, keys: string[], args: (string | number)[]): Promise<unknown[]>;
}

/** Options of {@link createLedgerBatch}. */
export interface LedgerBatchOptions {
  /** Most operations in one script call, so one call never holds Redis for long. Default 64. */
  maxOperations?: number;
}

interface Queued {
  operation: LedgerOperation;
  keys: string[];
  args: (string | number)[];
  resolve(reply: unknown[]): void;
  reject(error: unknown): void;
}

/**
 * Collects the ledger operations issued within one turn of the event loop and sends them as one
 * script call when the turn ends (`setImmediate`, after the I/O callbacks of that turn), in the
 * order they were issued. A busy worker's jobs reach their claim and settle in bursts (the replies
 * of one socket read, the HTTP answers of one poll), and one command for a burst saves a socket
 * write, a command and a reply per operation on both sides. A lone operation waits only for the end
 * of its turn. An operation that fails in the script (a corrupt entry) fails alone, as it did as its
 * own script, and the others still run; if the call itself fails (Redis gone), every operation in it
 * fails with that error.
 */
export function createLedgerBatch(redis: RedisClient, options: LedgerBatchOptions = {}): LedgerBatch {
  const maxOperations = options.maxOperations ?? 64;
  if (!Number.isInteger(maxOperations) || maxOperations < 1) {
    throw new Error(`maxOperations must be a positive integer, got ${String(maxOperations)}`);
  }
  let queued: Queued[] = [];
  let scheduled = false;

  function send(batch: Queued[]): void {
    const keys: string[] = [];
    const args: (string | number)[] = [];
    for (const op of batch) {
      keys.push(...op.keys);
      args.push(op.operation, op.keys.length, op.args.length, ...op.args);
    }
    const failAll = (error: unknown) => {
      for (const op of batch) op.reject(error);
    };
    let call: Promise<unknown>;
    try {
      call = BATCH(redis, keys, args);
    } catch (error) {
      failAll(error);
      return;
    }
    call.then((replies) => {
      if (!Array.isArray(replies) || replies.length !== batch.length) {
        failAll(new Error(`ledger-batch answered ${String(replies)} for ${batch.length} operations`));
        return;
      }
      // An operation that failed in the script answers its own error; the others their replies.
      batch.forEach((op, i) => {
        const reply: unknown = replies[i];
        if (reply instanceof Error) op.reject(reply);
        else op.resolve(reply as unknown[]);
      });
    }, failAll);
  }

  function flush(): void {
    scheduled = false;
    const batch = queued;
    queued = [];
    if (batch.length > 0) send(batch);
  }

  return {
    run(operation, keys, args) {
      return new Promise<unknown[]>((resolve, reject) => {
        queued.push({ operation, keys, args, resolve, reject });
        if (queued.length >= maxOperations) flush();
        else if (!scheduled) {
          scheduled = true;
          setImmediate(flush);
        }
      });
    },
  };
}
