import { checkEmail } from '../../../src/contracts/email-address';
import { checkIban, normaliseIban } from '../../../src/contracts/iban';
import {
  checkCountry,
  checkLanguage,
  checkNationality,
  normaliseLanguage,
} from '../../../src/contracts/iso-codes';
import { checkPhone, normalisePhone } from '../../../src/contracts/phone-number';
import { checkPostalCode } from '../../../src/contracts/postal-code';
import { checkUuid } from '../../../src/contracts/uuid';
import {
  checkFinnishVatMatches,
  checkVatFormat,
  normaliseVatNumber,
} from '../../../src/contracts/vat-number';
import { checkWebAddress, normaliseWebAddress } from '../../../src/contracts/web-address';

describe('e-mail', () => {
  it.each(['name@example.com', 'first.last+tag@sub.example.fi', "o'brien@example.co.uk"])(
    'accepts %s',
    (v) => {
      expect(checkEmail(v)).toBeUndefined();
    },
  );
  it.each([
    ['johntest.com', "without '@'"],
    ['a@b@example.com', "more than one '@'"],
    ['john doe@example.com', 'containing spaces'],
    ['@example.com', "nothing before '@'"],
    ['john@', "nothing after '@'"],
    ['john@localhost', "without a '.'"],
    ['jöhn@example.com', 'non-ASCII'],
  ])('rejects %s, describing it as %s', (v, detail) => {
    const failure = checkEmail(v);
    expect(failure?.code).toBe('EMAIL_INVALID');
    expect(failure?.message).toContain(detail);
    expect(failure?.message).toContain(`a string of ${v.length} characters`);
  });
});

describe('phone', () => {
  it.each(['+358401234567', '+35891234567', '+14155552671', '+46701234567', '+442071838750'])(
    'accepts %s',
    (v) => expect(checkPhone(v)).toBeUndefined(),
  );
  it('removes the separators people type', () => {
    expect(normalisePhone('+358 (40) 123-45.67')).toBe('+358401234567');
  });
  it.each([
    ['0401234567', "not starting with '+'"],
    ['+358abc1234', 'only digits may follow'],
    ['+35812', 'too few or too many digits'],
    ['+3581234567890123', 'too few or too many digits'],
    ['+358123', 'too few or too many digits'],
    ['+99912345678', 'not a valid number for its country code'],
    ['+358000000000', 'not a valid number for its country code'],
  ])('rejects %s', (v, detail) => {
    expect(checkPhone(v)).toEqual({ code: 'PHONE_INVALID', message: expect.stringContaining(detail) });
  });
});

describe('IBAN', () => {
  it.each(['FI2112345600000785', 'DE89370400440532013000', 'SE4550000000058398257466'])('accepts %s', (v) => {
    expect(checkIban(v)).toBeUndefined();
  });
  it('normalises to electronic form', () => {
    expect(normaliseIban('fi21 1234 5600 0007 85')).toBe('FI2112345600000785');
  });
  it.each([
    ['FI2112345600000786', 'mod-97'],
    ['FI21123456000007', 'length'],
    ['XX2112345600000785', 'country code'],
    ['FIAB12345600000785', 'check digits'],
  ])('rejects %s (%s)', (v, detail) => {
    expect(checkIban(v)).toEqual({ code: 'IBAN_INVALID', message: expect.stringContaining(detail) });
  });
});

describe('ISO codes', () => {
  it.each(['FI', 'SE', 'EE', 'US'])('accepts country %s', (v) => expect(checkCountry(v)).toBeUndefined());
  it.each(['XX', 'FIN', 'F', 'Finland'])('rejects country %s', (v) =>
    expect(checkCountry(v)?.code).toBe('COUNTRY_INVALID'),
  );
  it.each(['FIN', 'SWE', 'EST'])('accepts nationality %s', (v) =>
    expect(checkNationality(v)).toBeUndefined(),
  );
  it.each(['FI', 'XXX', 'Finnish'])('rejects nationality %s', (v) =>
    expect(checkNationality(v)?.code).toBe('NATIONALITY_INVALID'),
  );
  it.each([
    ['fin', 'fin'],
    ['FIN', 'fin'],
    ['fi', 'fin'],
    ['sv', 'swe'],
    ['EN', 'eng'],
  ])('normalises language %s to %s', (v, expected) => {
    expect(normaliseLanguage(v)).toBe(expected);
    expect(checkLanguage(normaliseLanguage(v))).toBeUndefined();
  });
  it.each(['deu', 'finnish', 'f'])('rejects language %s', (v) =>
    expect(checkLanguage(normaliseLanguage(v))?.code).toBe('LANGUAGE_INVALID'),
  );
});

describe('postal code', () => {
  it.each([
    ['00100', 'FI'],
    ['99999', 'FI'],
    ['SW1A 1AA', 'GB'],
    ['1234-567', 'PT'],
    ['114 55', 'SE'],
  ])('accepts %s in %s', (v, country) => expect(checkPostalCode(v, country)).toBeUndefined());
  it.each([
    ['0010', 'FI'],
    ['001000', 'FI'],
    ['FI-00100', 'FI'],
    ['00 100', 'FI'],
    ['#12', 'SE'],
  ])('rejects %s in %s', (v, country) =>
    expect(checkPostalCode(v, country)?.code).toBe('POSTAL_CODE_INVALID'),
  );
});

describe('VAT number', () => {
  it('normalises spacing and case', () => expect(normaliseVatNumber('fi 0112-0389')).toBe('FI01120389'));
  it.each(['FI01120389', 'SE556703748501', 'DE123456789'])('accepts the shape of %s', (v) =>
    expect(checkVatFormat(v)).toBeUndefined(),
  );
  it.each(['01120389', 'F1', 'FI'])('rejects the shape of %s', (v) =>
    expect(checkVatFormat(v)?.code).toBe('VAT_FORMAT'),
  );
  it('requires FI + the business id digits for a Finnish company', () => {
    expect(checkFinnishVatMatches('FI01120389', '0112038-9')).toBeUndefined();
    expect(checkFinnishVatMatches('FI12345678', '0112038-9')).toEqual({
      code: 'VAT_MISMATCH',
      message: expect.stringContaining('FI01120389'),
    });
  });
  it('leaves the comparison to the business id error when the id is invalid', () => {
    expect(checkFinnishVatMatches('FI12345678', '1234567-8')).toBeUndefined();
  });
});

describe('UUID', () => {
  it('accepts an RFC 9562 UUID', () =>
    expect(checkUuid('a3029a45-2608-4c9c-a8ce-93fcbcb733a7')).toBeUndefined());
  it.each(['a3029a45-2608-0c9c-a8ce-93fcbcb733a7', 'a3029a45260849c9ca8ce93fcbcb733a7', 'not-a-uuid'])(
    'rejects %s',
    (v) => expect(checkUuid(v)?.code).toBe('UUID_INVALID'),
  );
});

describe('web address', () => {
  it.each([
    ['https://example.com', 'https://example.com'],
    ['www.example.fi', 'https://www.example.fi'],
    ['http://example.com/path?q=1', 'http://example.com/path?q=1'],
  ])('accepts %s as %s', (v, normalised) => {
    expect(normaliseWebAddress(v)).toBe(normalised);
    expect(checkWebAddress(normaliseWebAddress(v))).toBeUndefined();
  });
  it.each(['ftp://example.com', 'https://localhost', 'not a url', 'javascript:alert(1)'])('rejects %s', (v) =>
    expect(checkWebAddress(normaliseWebAddress(v))?.code).toBe('URL_INVALID'),
  );
});
