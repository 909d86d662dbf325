import { SpanStatusCode, trace, type AttributeValue, type Span, type Tracer } from '@opentelemetry/api';
import type { OnboardingLedger } from '../queues/onboarding-ledger';
import { readBusinessId } from '../contracts/onboarding-job';
import { dataOf } from './dead-lettering';
import type { OnboardingProcessor } from './onboarding-processor';

/** Span attribute names of ours; values are ids and codes only, never personal data. */
export const SPAN_ATTRIBUTES = {
  jobId: 'onboarding.job_id',
  businessId: 'onboarding.business_id',
  attempt: 'onboarding.attempt',
  outcome: 'onboarding.outcome',
  reasonCode: 'onboarding.reason_code',
} as const;

const CODE = /^[A-Z][A-Z0-9_]+$/;

/**
 * The stable code of whatever the processor threw: a RopoError's `code`, the code an
 * UnrecoverableError's message starts with (`PAYLOAD_INVALID: …`), else the error's class name.
 */
export function reasonCodeOf(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && CODE.test(code)) return code;
  const message = error instanceof Error ? error.message : '';
  const prefix = /^([A-Z][A-Z0-9_]+):/.exec(message);
  if (prefix) return prefix[1] as string;
  return error instanceof Error ? error.name : 'UNKNOWN';
}

/**
 * Runs `run` in `span`, then ends the span: `describe(result)` goes on it as `attribute`; a throw
 * marks it failed with the error's stable code ({@link reasonCodeOf}), never its message.
 */
export async function runInSpan<R>(
  span: Span,
  attribute: string,
  describe: (result: R) => AttributeValue,
  run: () => Promise<R>,
): Promise<R> {
  try {
    const result = await run();
    span.setAttribute(attribute, describe(result));
    return result;
  } catch (error) {
    span.setStatus({ code: SpanStatusCode.ERROR, message: reasonCodeOf(error) });
    throw error;
  } finally {
    span.end();
  }
}

/**
 * Puts the onboarding's ids, attempt, outcome and reason code on the span BullMQ opened for this
 * attempt. Used only when tracing is on, so the untraced worker pays nothing for it.
 */
export function traceProcessor(processor: OnboardingProcessor): OnboardingProcessor {
  return async (job, token) => {
    const span = trace.getActiveSpan();
    if (!span?.isRecording()) return processor(job, token);
    const businessId = readBusinessId(dataOf(job).payload);
    span.setAttributes({
      [SPAN_ATTRIBUTES.jobId]: job.id ?? '',
      [SPAN_ATTRIBUTES.attempt]: job.attemptsMade + 1,
      ...(businessId ? { [SPAN_ATTRIBUTES.businessId]: businessId } : {}),
    });
    try {
      const result = await processor(job, token);
      span.setAttribute(SPAN_ATTRIBUTES.outcome, result.outcome);
      return result;
    } catch (error) {
      span.setAttribute(SPAN_ATTRIBUTES.reasonCode, reasonCodeOf(error));
      throw error;
    }
  };
}

/** Wraps the ledger's claim and settle in spans, so a trace shows where the idempotency check sat. */
export function traceLedger(ledger: OnboardingLedger, tracer: Tracer): OnboardingLedger {
  const spanned =
    <A extends unknown[], R>(name: string, run: (...args: A) => Promise<R>, state: (r: R) => string) =>
    (...args: A): Promise<R> =>
      tracer.startActiveSpan(name, (span) =>
        runInSpan(span, 'onboarding.ledger.result', state, () => run(...args)),
      );
  return {
    ...ledger,
    claim: spanned('onboarding.ledger.claim', ledger.claim.bind(ledger), (r) =>
      r.kind === 'settled' ? `settled:${r.entry.state}` : r.kind,
    ),
    settle: spanned('onboarding.ledger.settle', ledger.settle.bind(ledger), (r) => r.state),
    settleWithEvent: spanned('onboarding.ledger.settle', ledger.settleWithEvent.bind(ledger), (r) =>
      r.queued ? r.entry.state : `settled:${r.entry.state}`,
    ),
  };
}
