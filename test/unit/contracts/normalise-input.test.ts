import fc from 'fast-check';
import { isBlank } from '../../../src/contracts/normalise-input';

describe('isBlank', () => {
  it.each([
    ['', true],
    ['   ', true],
    ['\t\n\r', true],
    ['\u00a0', true], // no-break space, as spreadsheets export it
    ['\u3000 ', true], // ideographic space
    ['a', false],
    ['  a', false],
    ['ä', false],
    ['\u00a0x', false],
    ['\u0001', false], // a control character is not whitespace: the schema judges it
    ['~', false],
  ])('%j is blank: %s', (value, blank) => {
    expect(isBlank(value)).toBe(blank);
  });

  it('agrees with "no non-whitespace character" for any string', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (value) => {
        expect(isBlank(value)).toBe(!/\S/.test(value));
      }),
      { numRuns: 2000 },
    );
  });

  it('treats null, undefined and [] as blank, and no other value', () => {
    expect([null, undefined, []].map(isBlank)).toEqual([true, true, true]);
    expect([0, false, {}, [''], 'x'].map(isBlank)).toEqual([false, false, false, false, false]);
  });
});
