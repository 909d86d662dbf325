import { readBusinessId, readJobData } from '../../../src/contracts/onboarding-job';

describe('readBusinessId (the one reader for dead letters, erasure, status and the board)', () => {
  it.each([
    [{ customer_info: { business_id: '2617416-4' } }, '2617416-4'],
    [{ customer_info: { business_id: '  2617416-4 ' } }, '2617416-4'],
    // Malformed but id-shaped: shown, so an operator can find the dead letter by what was sent.
    [{ customer_info: { business_id: '1234567' } }, '1234567'],
    [{ customer_info: { business_id: 'x'.repeat(21) } }, null],
    [{ customer_info: { business_id: 'matti@example.com' } }, null],
    [{ customer_info: { business_id: 'Matti Meikäläinen' } }, null],
    [{ customer_info: { business_id: '' } }, null],
    [{ customer_info: { business_id: 2617416 } }, null],
    [{ customer_info: null }, null],
    [null, null],
    ['2617416-4', null],
  ])('%j → %j', (payload, expected) => {
    expect(readBusinessId(payload)).toBe(expected);
  });
});

describe('readJobData', () => {
  it.each([null, 'text', 42, undefined])('reads %j as no data', (data) => {
    expect(readJobData(data)).toEqual({});
  });
  it('passes an object through', () => {
    const data = { payload: { a: 1 }, source: 'crm' };
    expect(readJobData(data)).toBe(data);
  });
});
