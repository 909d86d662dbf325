import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { Router, type RequestHandler } from 'express';
import type { Queue } from 'bullmq';
import type { DeadLetterRecord } from '../contracts/dead-letter-record';
import { readBusinessId, type OnboardingJobData } from '../contracts/onboarding-job';
import type { Logger } from '../logger';
import { basicAuth } from './auth';
import { sendError } from './errors';
import { boardHeaders } from './security-headers';

/** Where the board is mounted. */
export const BOARD_PATH = '/admin/queues';

/** What the board needs. */
export interface BoardDeps {
  queues: { onboarding: Queue; events: Queue; deadLetters: Queue };
  credentials: { username?: string; password?: string };
  readOnly: boolean;
  /** false: job data is replaced by a redacted view (payloads hold personal data). */
  showPayloads: boolean;
  /** Loopback-only HTTP server in sandbox mode: the one case where the board may run without a login. */
  localSandbox: boolean;
  logger: Logger;
}

const HIDDEN = '[hidden: BOARD_SHOW_PAYLOADS=false]';

/** The onboarding job as the board shows it when payloads are hidden: lineage and business id only. */
export function redactOnboardingJob(data: Partial<OnboardingJobData> | undefined): Record<string, unknown> {
  return {
    payload: HIDDEN,
    businessId: readBusinessId(data?.payload),
    eventId: data?.eventId,
    source: data?.source,
    replayOf: data?.replayOf,
    replayCount: data?.replayCount,
    receivedAt: data?.receivedAt,
  };
}

/** A dead-letter record as the board shows it when payloads are hidden: everything but the payload. */
export function redactDeadLetter(record: DeadLetterRecord | undefined): Record<string, unknown> {
  return { ...record, payload: HIDDEN };
}

// Board API writes that put job data back: with payloads hidden, the UI holds only the redacted
// view, and "edit" or "duplicate" would overwrite the real payload with it.
const DATA_WRITE = /\/api\/queues\/[^/]+\/(add|[^/]+\/update-data)$/;

function writeGuard(readOnly: boolean, showPayloads: boolean): RequestHandler {
  return (req, res, next) => {
    const mutation = req.method !== 'GET' && req.method !== 'HEAD' && req.path.startsWith('/api/');
    if (mutation && readOnly) {
      return sendError(res, 403, 'READ_ONLY', 'the board is read-only (BOARD_READ_ONLY=true)');
    }
    if (mutation && !showPayloads && DATA_WRITE.test(req.path)) {
      return sendError(res, 403, 'READ_ONLY', 'job data cannot be written while payloads are hidden');
    }
    next();
  };
}

/**
 * Bull Board at /admin/queues over the three queues, behind HTTP basic authentication. With no
 * credentials it is not mounted at all, unless the server is loopback-only in sandbox mode; read-only
 * mode is enforced twice: by the adapters and by a guard that refuses every non-GET API call.
 * Returns undefined when the board is refused.
 */
export function boardRouter(deps: BoardDeps): Router | undefined {
  const { username, password } = deps.credentials;
  const hasCredentials = username !== undefined && password !== undefined;
  if (!hasCredentials && !deps.localSandbox) {
    deps.logger.error(
      `Bull Board is disabled: set BOARD_USERNAME and BOARD_PASSWORD to serve it at ${BOARD_PATH}`,
    );
    return undefined;
  }
  if (!hasCredentials) {
    deps.logger.warn(
      `Bull Board at ${BOARD_PATH} has NO LOGIN: allowed only because the server listens on loopback in sandbox mode`,
    );
  }

  const options = { readOnlyMode: deps.readOnly, allowRetries: !deps.readOnly };
  const onboarding = new BullMQAdapter(deps.queues.onboarding, options);
  const events = new BullMQAdapter(deps.queues.events, options);
  const deadLetters = new BullMQAdapter(deps.queues.deadLetters, {
    ...options,
    // A dead letter is replayed through the API or the CLI; "retry" here would do nothing useful.
    allowRetries: false,
    description: 'replay with POST /v1/dead-letters/:id/replay or `npx onboarding dlq replay`',
  });
  if (!deps.showPayloads) {
    onboarding.setFormatter('data', (data: OnboardingJobData) => redactOnboardingJob(data));
    deadLetters.setFormatter('data', (record: DeadLetterRecord) => redactDeadLetter(record));
  }

  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath(BOARD_PATH);
  createBullBoard({
    queues: [onboarding, events, deadLetters],
    serverAdapter,
    options: { uiConfig: { boardTitle: 'Ropo onboarding' } },
  });

  const router = Router();
  const stack: RequestHandler[] = [boardHeaders()];
  if (hasCredentials) stack.push(basicAuth({ username, password }, 'bull-board'));
  stack.push(writeGuard(deps.readOnly, deps.showPayloads));
  router.use(BOARD_PATH, ...stack, serverAdapter.getRouter() as RequestHandler);
  deps.logger.info('Bull Board mounted', {
    path: BOARD_PATH,
    readOnly: deps.readOnly,
    showPayloads: deps.showPayloads,
  });
  return router;
}
