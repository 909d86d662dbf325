import type { Request, Response } from 'express';
import { applyFaults, applyLateFaults } from './fault-gate';
import { issueSandboxToken } from './sandbox-jwt';
import { asRecord, bump, nonEmptyString, parseJson, send } from './sandbox-http';
import type { SandboxState } from './sandbox-state';

/** `POST /rest/token`: 201 `{token}` on the right cid and apicode, 400 `{errorId, errorText}` otherwise. */
export function tokenRoute(state: SandboxState) {
  return async (req: Request, res: Response): Promise<void> => {
    state.stats.tokenCalls += 1;
    const count = (key: string | number) => bump(state.stats.tokenByStatus, key);
    const decision = await applyFaults(state, state.faults.token, req, res, count);
    if (decision === 'answered') return;
    let body: Record<string, unknown> | undefined;
    try {
      body = asRecord(parseJson(req.body));
    } catch {
      body = undefined;
    }
    if (!body || !nonEmptyString(body.cid) || !nonEmptyString(body.apicode)) {
      count(400);
      send(res, 400, { errorId: 1, errorText: 'cid and apicode are required' });
      return;
    }
    if (body.cid !== state.cid || body.apicode !== state.apicode) {
      count(400);
      send(res, 400, { errorId: 2, errorText: 'Invalid credentials' });
      return;
    }
    const token = await issueSandboxToken(
      state.secret,
      state.cid,
      state.generation,
      state.tokenTtlSeconds,
      Date.now(),
    );
    state.stats.tokensIssued += 1;
    if (applyLateFaults(decision, 201, req, res, count) === 'answered') return;
    send(res, 201, { token });
  };
}
