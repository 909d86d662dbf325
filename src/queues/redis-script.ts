import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { RedisClient } from './connection';

/** A Lua script bound to a name: `script(redis, keys, args)`. */
export type RedisScript = (redis: RedisClient, keys: string[], args: (string | number)[]) => Promise<unknown>;

type DefinedCommand = (numberOfKeys: number, ...keysAndArgs: (string | number)[]) => Promise<unknown>;

/**
 * Loads `<dir>/lua/<name>.lua` (kept as its own file, as BullMQ keeps its scripts; `npm run build`
 * copies them next to the compiled code) and runs it as an ioredis custom command, which sends
 * EVALSHA and falls back to EVAL when the server has forgotten the script (restart, SCRIPT FLUSH).
 * The command is defined on each connection the first time that connection runs it.
 */
export function luaScript(dir: string, name: string): RedisScript {
  const lua = readFileSync(path.join(dir, 'lua', `${name}.lua`), 'utf8');
  // A prefix keeps our names clear of ioredis's own commands.
  const command = `onboarding_${name.replace(/-/g, '_')}`;
  const defined = new WeakSet<RedisClient>();
  return (redis, keys, args) => {
    if (!defined.has(redis)) {
      // An auto-pipelining client (the HTTP role) copies its commands into each auto pipeline when
      // that pipeline is made, so one made before this definition would lack the command and
      // mismatch every reply of its batch. Our scripts go out on their own instead, as EVALSHA did.
      // A new array: ioredis shares the default one between clients.
      if (redis.options.enableAutoPipelining) {
        const ignored = redis.options.autoPipeliningIgnoredCommands ?? [];
        redis.options.autoPipeliningIgnoredCommands = [...ignored, command];
      }
      // No numberOfKeys: each call says how many keys it passes (hold-deliveries takes a list).
      redis.defineCommand(command, { lua });
      defined.add(redis);
    }
    const run = (redis as unknown as Record<string, DefinedCommand>)[command] as DefinedCommand;
    return run.call(redis, keys.length, ...keys, ...args);
  };
}
