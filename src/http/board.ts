import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { Router, type RequestHandler } from 'express';
import type { Queue } from 'bullmq';
import type { DeadLetterRecord } from '../contracts/dead-letter-record';
import { readBusinessId, type OnboardingJobData } from '../contracts/onboarding-job';
import type { Logger } from '../logger';
import { basicAuth } from './auth';
import { BOARD_VIEW_DIR } from './board-view';
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

/** The board path as routing sees it: decoded, lower-case, single slashes, no trailing slash. */
export function normaliseBoardPath(path: string): string {
  let decoded = path;
  for (let i = 0; i < 3; i++) {
    try {
      const next = decodeURIComponent(decoded);
      if (next === decoded) break;
      decoded = next;
    } catch {
      break;
    }
  }
  return (
    decoded
      .toLowerCase()
      .replace(/\/{2,}/g, '/')
      .replace(/\/+$/, '') || '/'
  );
}

// Every board API write the UI makes, as method + route on the normalised path. Anything else that
// is not a read is refused, so case, slashes or encoding cannot reach a route the guard did not see.
const SEG = '[^/]+';
const WRITES: { method: string; route: RegExp; kind: 'data' | 'retry' | 'other' }[] = [
  ['put', '/api/queues/(pause|resume)', 'other'],
  ['post', `/api/queues/${SEG}/add`, 'data'],
  ['put', `/api/queues/(${SEG})/retry/${SEG}`, 'retry'],
  [
    'put',
    `/api/queues/${SEG}/(promote|pause|resume|empty|obliterate|concurrency|rate-limit|rate-limit/release)`,
    'other',
  ],
  ['put', `/api/queues/${SEG}/clean/${SEG}`, 'other'],
  ['put', `/api/queues/(${SEG})/${SEG}/retry`, 'retry'],
  ['put', `/api/queues/${SEG}/${SEG}/(clean|promote|remove-unprocessed-children)`, 'other'],
  ['patch', `/api/queues/${SEG}/${SEG}/update-data`, 'data'],
  ['patch', `/api/queues/${SEG}/${SEG}/(delay|priority)`, 'other'],
].map(([method, route, kind]) => ({
  method: method as string,
  route: new RegExp(`^${route as string}$`),
  kind: kind as 'data' | 'retry' | 'other',
}));

function sameOrigin(req: Parameters<RequestHandler>[0]): boolean {
  if (req.get('sec-fetch-site') === 'same-origin') return true;
  const origin = req.get('origin');
  if (!origin) return false;
  try {
    return new URL(origin).host === req.get('host');
  } catch {
    return false;
  }
}

function writeGuard(readOnly: boolean, showPayloads: boolean, noRetry: ReadonlySet<string>): RequestHandler {
  return (req, res, next) => {
    const method = req.method.toLowerCase();
    if (method === 'get' || method === 'head') return next();
    if (readOnly) return sendError(res, 403, 'READ_ONLY', 'the board is read-only (BOARD_READ_ONLY=true)');
    // CSRF: browsers resend basic-auth credentials on cross-site posts; only the board's own page may write.
    const hasBody = Number(req.get('content-length') ?? 0) > 0 || req.get('transfer-encoding') !== undefined;
    if (
      (method === 'post' || hasBody) &&
      !/^application\/json\s*(;|$)/i.test(req.get('content-type') ?? '')
    ) {
      return sendError(res, 415, 'UNSUPPORTED_MEDIA_TYPE', 'board writes must be application/json');
    }
    if (!sameOrigin(req)) {
      return sendError(res, 403, 'FORBIDDEN', 'board writes need a same-origin Origin or Sec-Fetch-Site');
    }
    const path = normaliseBoardPath(req.path);
    const write = WRITES.find((w) => w.method === method && w.route.test(path));
    if (!write) return sendError(res, 403, 'READ_ONLY', 'not a board write this service allows');
    if (write.kind === 'data' && !showPayloads) {
      return sendError(res, 403, 'READ_ONLY', 'job data cannot be written while payloads are hidden');
    }
    const queue = write.route.exec(path)?.[1];
    if (write.kind === 'retry' && queue !== undefined && noRetry.has(queue)) {
      return sendError(res, 403, 'READ_ONLY', 'retry is off for this queue: replay dead letters instead');
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

  const options = { readOnlyMode: deps.readOnly, allowRetries: false };
  // A retried failed onboarding job was already dead-lettered: retrying it here refills the dead-letter queue.
  const replayHint =
    'failed jobs are dead-lettered: replay with POST /v1/dead-letters/:id/replay or `npx onboarding dlq replay`';
  const onboarding = new BullMQAdapter(deps.queues.onboarding, { ...options, description: replayHint });
  const events = new BullMQAdapter(deps.queues.events, { ...options, description: replayHint });
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
  // Our copy of bull-board's page, without the Google Fonts link (see board-view.ts).
  serverAdapter.setViewsPath(BOARD_VIEW_DIR);

  const router = Router();
  const stack: RequestHandler[] = [boardHeaders()];
  if (hasCredentials) stack.push(basicAuth({ username, password }, 'bull-board'));
  stack.push(
    writeGuard(
      deps.readOnly,
      deps.showPayloads,
      new Set(Object.values(deps.queues).map((queue) => queue.name.toLowerCase())),
    ),
  );
  router.use(BOARD_PATH, ...stack, serverAdapter.getRouter() as RequestHandler);
  deps.logger.info('Bull Board mounted', {
    path: BOARD_PATH,
    readOnly: deps.readOnly,
    showPayloads: deps.showPayloads,
  });
  return router;
}
