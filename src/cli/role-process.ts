import { loadConfig, type Config } from '../config';
import { createLogger, type Logger } from '../logger';
import { startTracing, type Tracing } from '../telemetry/tracing';
import { createLifecycle, type ProcessLifecycle } from './lifecycle';
import { routeProcessOutput, type ProcessOutput } from './process-output';

/** What a long-running role starts from. */
export interface RoleContext {
  config: Config;
  logger: Logger;
  output: ProcessOutput;
  lifecycle: ProcessLifecycle;
  tracing: Tracing;
}

/** How {@link runRole} sets a role up. */
export interface RoleOptions {
  /** The logger's `role`. */
  role: string;
  /** The tracing service role; default `role`. */
  tracing?: string;
  /** Already loaded (and checked) by the command; default loaded here. */
  config?: Config;
  /** The lifecycle's hard shutdown deadline (see createLifecycle). */
  hardDeadlineMs?: number;
}

/**
 * Runs a long-running role (`worker`, `deliver`, `start`, a bridge): its logger, process output,
 * lifecycle and tracing, then `start`. Tracing is added to the lifecycle first, so it stops last
 * and the spans of what finishes on shutdown get out too. A start-up failure stops what was started.
 */
export async function runRole(
  options: RoleOptions,
  start: (role: RoleContext) => Promise<void>,
): Promise<void> {
  const config = options.config ?? loadConfig();
  const logger = createLogger({ level: config.log.level, defaultMeta: { role: options.role } });
  const output = routeProcessOutput(logger);
  const lifecycle = createLifecycle(logger, { hardDeadlineMs: options.hardDeadlineMs });
  const tracing = await startTracing(options.tracing ?? options.role);
  lifecycle.add(tracing.shutdown);
  try {
    await start({ config, logger, output, lifecycle, tracing });
  } catch (error) {
    await lifecycle.stopAll();
    throw error;
  }
}
