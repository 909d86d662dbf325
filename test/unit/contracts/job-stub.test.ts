import { readBusinessId, stubJobData, type OnboardingJobData } from '../../../src/contracts/onboarding-job';
import { completePayload } from '../../support/payloads';

describe('stubJobData: what a job keeps once its outcome is recorded', () => {
  const data: OnboardingJobData = {
    payload: completePayload('0112038-9'),
    eventId: 'crm-42',
    source: 'crm',
    replayOf: 'ph-abc',
    replayCount: 1,
    receivedAt: '2026-12-01T10:00:00.000Z',
    deliveryId: 'd-1',
  };

  it('keeps the business id and the lineage, nothing of the payload else', () => {
    const stub = stubJobData(data);
    expect(stub).toEqual({
      payload: { customer_info: { business_id: '0112038-9' } },
      eventId: 'crm-42',
      source: 'crm',
      replayOf: 'ph-abc',
      replayCount: 1,
      receivedAt: '2026-12-01T10:00:00.000Z',
      deliveryId: 'd-1',
      stripped: true,
    });
    expect(readBusinessId(stub.payload)).toBe('0112038-9');
    expect(JSON.stringify(stub)).not.toMatch(/@|FI\d{4}|\+358/);
  });

  it('keeps no payload at all when its business id is not one to show', () => {
    expect(stubJobData({ payload: { customer_info: { business_id: 'Maija Meikäläinen' } } }).payload).toEqual(
      {},
    );
    expect(stubJobData(null)).toMatchObject({ payload: {}, stripped: true });
  });
});
