import type { Request, Response } from 'express';
import { pickFault, pickLatency, type FaultDecision, type FaultSet } from './sandbox-faults';
import { ropoError, retryAfterHeader } from './sandbox-http';
import type { SandboxState } from './sandbox-state';

const wait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

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
        `Injected ${decision.status}`,
        retryAfterHeader(decision.retryAfter),
      );
      return 'answered';
    default:
      return decision;
  }
}
