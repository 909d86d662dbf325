import { execFileSync } from 'node:child_process';
import path from 'node:path';
import fc from 'fast-check';
import { z } from 'zod';
import { compileFastValidator, DEFER } from '../../../src/contracts/fast-validator';
import { isBlank, normaliseInput } from '../../../src/contracts/normalise-input';
import { createProfileSchema } from '../../../src/contracts/validate-payload';
import { completePayloadArb } from '../../support/payload-arbitraries';

type Body = Record<string, unknown>;

const fast = compileFastValidator(createProfileSchema, { isAbsent: isBlank });
const SECTIONS = ['customer_info', 'contact_person', 'settlement_settings', 'users', 'services', ''] as const;

/** What validatePayload does without the fast path: normalise, then zod. */
function byZod(input: unknown) {
  return createProfileSchema.safeParse(normaliseInput(input));
}

/** A valid payload with `value` put at `key` of one section (or the top level). */
function poked(body: unknown, section: (typeof SECTIONS)[number], key: string, value: unknown): Body {
  const copy = JSON.parse(JSON.stringify(body)) as Body;
  const holder = section === '' ? copy : copy[section];
  const target = (Array.isArray(holder) ? holder[0] : holder) as Body | undefined;
  if (target && typeof target === 'object') target[key] = value;
  return copy;
}

describe('the compiled fast path of the payload schema', () => {
  it('compiles: a schema change it cannot follow must be noticed, not silently slow', () => {
    expect(fast).toBeDefined();
  });

  it('takes every generated valid payload and returns exactly what zod returns', () => {
    fc.assert(
      fc.property(completePayloadArb, (body) => {
        const result = fast?.(body);
        expect(result).not.toBe(DEFER);
        const zod = byZod(body);
        expect(zod.success).toBe(true);
        // Text equality: same keys, same order, same normalised values.
        expect(JSON.stringify(result)).toBe(JSON.stringify(zod.data));
      }),
      { numRuns: 1500 },
    );
  });

  it('never accepts what zod refuses, nor returns anything else than zod, with any value anywhere', () => {
    const keyArb = fc.oneof(
      fc.constantFrom(
        'business_id',
        'email',
        'telephone',
        'postal_code',
        'country',
        'vat_number',
        'bank_account_number',
        'reference_length',
        'service_types',
        'allowIncompleteData',
        'users',
        'liable_to_pay_vat',
        'nationality',
        '__proto__',
        'constructor',
      ),
      fc.string(),
    );
    fc.assert(
      fc.property(
        completePayloadArb,
        fc.constantFrom(...SECTIONS),
        keyArb,
        fc.oneof(fc.jsonValue(), fc.constantFrom(null, '', '  ', [], undefined, 0, -0, 1, 2, NaN)),
        (body, section, key, value) => {
          const input = poked(body, section, key, value);
          const result = fast?.(input);
          if (result === DEFER) return;
          const zod = byZod(input);
          expect(zod.success).toBe(true);
          expect(JSON.stringify(result)).toBe(JSON.stringify(zod.data));
        },
      ),
      { numRuns: 4000 },
    );
  });

  it('treats blank fields as absent, as normaliseInput does', () => {
    fc.assert(
      fc.property(completePayloadArb, fc.constantFrom(null, '', ' \t', []), (body, blank) => {
        // Allowed to be incomplete: with allowIncompleteData false a blank name is a missing one.
        const input = { ...poked(body, 'customer_info', 'name', blank), allowIncompleteData: true };
        const result = fast?.(input) as Body;
        expect(result).not.toBe(DEFER);
        expect((result.customer_info as Body).name).toBeUndefined();
        expect(JSON.stringify(result)).toBe(JSON.stringify(byZod(input).data));
      }),
      { numRuns: 200 },
    );
  });

  it('leaves to zod a field it could read but normaliseInput would not copy (non-enumerable)', () => {
    const contact: Body = { name: '' };
    Object.defineProperty(contact, 'email', { value: 'owner@example.com', enumerable: false });
    const input = { customer_info: { business_id: '0112038-9' }, contact_person: contact };
    expect(fast?.(input)).toBe(DEFER);
    expect(byZod(input).success).toBe(false);
  });

  it('leaves to zod what it does not know how to compile', () => {
    expect(compileFastValidator(z.object({ a: z.string() }))).toBeUndefined(); // strips unknown keys
    expect(compileFastValidator(z.strictObject({ a: z.union([z.string(), z.number()]) }))).toBeUndefined();
    expect(compileFastValidator(z.strictObject({ a: z.coerce.number() }))).toBeUndefined();
  });

  it('leaves validation to zod where node forbids generated code, instead of failing to load', () => {
    const script = [
      "const { validatePayload } = require('./src/contracts/validate-payload.ts');",
      "const { compileFastValidator } = require('./src/contracts/fast-validator.ts');",
      "const { z } = require('zod');",
      "const ok = validatePayload(require('./examples/customer.json')).ok;",
      'const compiled = compileFastValidator(z.strictObject({ a: z.string() })) !== undefined;',
      'process.stdout.write(JSON.stringify({ ok, compiled }));',
    ].join('\n');
    const output = execFileSync(
      process.execPath,
      ['--disallow-code-generation-from-strings', '-r', 'tsx/cjs', '-e', script],
      { cwd: path.join(__dirname, '..', '..', '..'), encoding: 'utf8', timeout: 60_000 },
    );
    expect(JSON.parse(output)).toEqual({ ok: true, compiled: false });
  });
});
