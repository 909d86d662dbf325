import {
  businessIdCheckDigit,
  checkBusinessId,
  finnishVatNumber,
  isValidBusinessId,
} from '../../../src/contracts/finnish-business-id';

describe('Finnish business id (Y-tunnus)', () => {
  // Published ids of listed companies, each verified by hand with weights 7,9,10,5,8,4,2:
  // Nokia 0+9+10+10+0+12+16=57, 57 mod 11=2 → 9; Kone 175 mod 11=10 → 1; Fortum 172 mod 11=7 → 4.
  it.each([
    ['Nokia Oyj', '0112038-9'],
    ['Kone Oyj', '1927400-1'],
    ['Fortum Oyj', '1463611-4'],
    ['remainder 0 gives check digit 0', '0000000-0'],
    ['the corrected docs example', '1234567-1'],
  ])('accepts %s (%s)', (_name, id) => {
    expect(checkBusinessId(id)).toBeUndefined();
    expect(isValidBusinessId(id)).toBe(true);
  });

  it.each([
    ['1234567-8', 1, 8],
    ['0112038-8', 9, 8],
    ['1927400-0', 1, 0],
  ])('rejects %s saying the check digit should be %d', (id, expected, found) => {
    expect(checkBusinessId(id)).toEqual({
      code: 'BUSINESS_ID_CHECK_DIGIT',
      message: expect.stringContaining(`the check digit should be ${expected}, found ${found}`),
    });
  });

  it('rejects ids whose weighted sum leaves remainder 1, for which no check digit exists', () => {
    const body = Array.from({ length: 2000 }, (_, i) => String(i).padStart(7, '0')).find(
      (digits) => businessIdCheckDigit(digits) === undefined,
    )!;
    for (let digit = 0; digit <= 9; digit++) {
      expect(checkBusinessId(`${body}-${digit}`)).toEqual({
        code: 'BUSINESS_ID_CHECK_DIGIT',
        message: expect.stringContaining('no check digit exists'),
      });
    }
  });

  it.each([
    ['missing hyphen', '12345671'],
    ['too short', '123456-7'],
    ['letters', '123456A-1'],
    ['VAT form', 'FI12345671'],
    ['extra digits', '1234567-12'],
    ['personal identity code shape', '010190-123A'],
  ])('rejects the format: %s', (_name, id) => {
    expect(checkBusinessId(id)?.code).toBe('BUSINESS_ID_FORMAT');
  });

  it('does not echo a malformed value (it might be a personal identity code)', () => {
    expect(checkBusinessId('010190-123A')?.message).not.toContain('010190');
  });

  it('derives the Finnish VAT number', () => {
    expect(finnishVatNumber('0112038-9')).toBe('FI01120389');
  });
});
