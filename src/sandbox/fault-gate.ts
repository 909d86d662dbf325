import type { Request, Response } from 'express';
import { pickFault, pickLatency, type FaultDecision, type FaultSet } from './sandbox-faults';
import { GARBAGE_BODY, ropoError, retryAfterHeader } from './sandbox-http';
import type { SandboxState } from './sandbox-state';

const wait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

// What a careless API puts in its error: the personal parts of the request first, then the rest.
function echoOf(body: unknown): string {
  let parsed: Record<string, unknown>;
  try {
    parsed = (typeof body === 'string' ? JSON.parse(body) : body) as Record<string, unknown>;
  } catch {
    return `could not process ${String(body)}`;
  }
  const { contact_person: contact, settlement_settings: settlement } = parsed ?? {};
  return `invalid contact_person ${JSON.stringify(contact)} or settlement_settings ${JSON.stringify(settlement)}`;
}

/**
 * Applies the outage, latency and the faults that answer before any processing. Returns 'answered'
 * when the request is done (or deliberately never will be), else the decision still to honour after
 * processing (commit-then-drop, garbage body).
 */
export async function applyFaults(
  state: SandboxState,
  set: FaultSet | undefined,
  req: Request,
  res: Response,
  count: (key: string | number) => void,
): Promise<FaultDecision | 'answered'> {
  const remaining = state.outageUntil - Date.now();
  if (remaining > 0) {
    if (state.faults.outage?.mode === 'reset') {
      count('reset');
      req.socket.destroy();
    } else {
      count(503);
      ropoError(res, 503, 503, 'Service unavailable (sandbox outage)', {
        'Retry-After': String(Math.max(1, Math.ceil(remaining / 1000))),
      });
    }
    return 'answered';
  }
  const latency = pickLatency(set?.latency, state.random);
  if (latency > 0) await wait(latency);
  const decision = pickFault(set, state.random);
  switch (decision.kind) {
    case 'hang':
      count('hang');
      return 'answered';
    case 'reset':
      count('reset');
      req.socket.destroy();
      return 'answered';
    case 'status':
      count(decision.status);
      ropoError(
        res,
        decision.status,
        decision.status,
        decision.echo ? `Injected ${decision.status}: ${echoOf(req.body)}` : `Injected ${decision.status}`,
        retryAfterHeader(decision.retryAfter),
      );
      return 'answered';
    default:
      return decision;
  }
}

/**
 * Honours the decision {@link applyFaults} left for after processing, once the work is committed:
 * drops the connection (commit-then-drop) or answers `status` with a garbage body. Returns
 * 'answered' when it did, else counts `status` and leaves the real answer to the caller.
 */
export function applyLateFaults(
  decision: FaultDecision,
  status: number,
  req: Request,
  res: Response,
  count: (key: string | number) => void,
): 'answered' | undefined {
  if (decision.kind === 'commit-then-drop') {
    count('drop');
    req.socket.destroy();
    return 'answered';
  }
  count(status);
  if (decision.kind !== 'garbage') return undefined;
  res.writeHead(status, { 'Content-Type': 'text/html' });
  res.end(GARBAGE_BODY);
  return 'answered';
}
