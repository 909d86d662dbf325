import { randomUUID } from 'node:crypto';
import type { Request, Response } from 'express';
import { applyFaults, applyLateFaults } from './fault-gate';
import { isCompleteProfile } from './profile-completeness';
import { asRecord, bump, nonEmptyString, parseJson, ropoError, send } from './sandbox-http';
import { CREATE_CUSTOMER_CONTRACT, type SandboxState } from './sandbox-state';

/** Checks the Bearer token; answers 401 and returns false when it is missing or refused. */
async function authorised(state: SandboxState, req: Request, res: Response, count: (k: number) => void) {
  const match = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
  const check = match?.[1] ? await state.tokens.verify(match[1], state.generation, Date.now()) : undefined;
  if (check?.ok) return true;
  count(401);
  ropoError(res, 401, 401, check ? `Token ${check.reason}` : 'Missing bearer token');
  return false;
}

/**
 * `POST /rest/profile/createprofile`: the two mandatory fields checked, a duplicate business id
 * answered 409, then created (`NewCustomerResultRest`) when the data is complete, else pending with
 * a wizard URL (`IncompleteCustomerResult`).
 */
export function createProfileRoute(state: SandboxState) {
  return async (req: Request, res: Response): Promise<void> => {
    const { stats } = state;
    stats.createProfileCalls += 1;
    const count = (key: string | number) => bump(stats.createProfileByStatus, key);
    const decision = await applyFaults(state, state.faults, req, res, count);
    if (decision === 'answered') return;
    if (!(await authorised(state, req, res, count))) return;
    if (!state.contracts.includes(CREATE_CUSTOMER_CONTRACT)) {
      count(403);
      ropoError(res, 403, 403, `Contract ${CREATE_CUSTOMER_CONTRACT} is not active`);
      return;
    }
    let body: Record<string, unknown> | undefined;
    try {
      body = asRecord(parseJson(req.body));
    } catch {
      count(400);
      ropoError(res, 400, 1000, 'Request body is not valid JSON');
      return;
    }
    const businessId = asRecord(body?.customer_info)?.business_id;
    if (!body || !nonEmptyString(businessId)) {
      count(400);
      ropoError(res, 400, 1001, 'customer_info.business_id is required');
      return;
    }
    if (!nonEmptyString(asRecord(body.contact_person)?.email)) {
      count(400);
      ropoError(res, 400, 1002, 'contact_person.email is required');
      return;
    }

    const existing = state.creations.get(businessId);
    if (existing && state.faults.duplicates !== 'accept') {
      existing.duplicates += 1;
      count(409);
      ropoError(res, 409, 1009, 'Customer with this business id already exists');
      return;
    }
    const complete = isCompleteProfile(body);
    const customerId = complete ? String(state.nextCustomerId++) : null;
    const uuid = complete ? null : randomUUID();
    if (existing) existing.count += 1;
    else
      state.creations.set(businessId, {
        businessId,
        count: 1,
        customerId,
        uuid,
        outcome: complete ? 'created' : 'pending',
        duplicates: 0,
        firstAt: new Date().toISOString(),
      });
    state.activations.noteCreation(businessId, body);

    if (applyLateFaults(decision, 200, req, res, count) === 'answered') return;
    if (complete) {
      send(res, 200, { customerId, message: 'Customer created successfully.', status: 'success' });
    } else {
      send(res, 200, {
        uuid,
        status: 'pending',
        message: 'Onboarding link sent to the contact person',
        wizard_url: `${state.url}/wizard/${uuid}`,
      });
    }
  };
}
