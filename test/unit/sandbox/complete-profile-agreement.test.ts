// The sandbox plays Ropo by the service's own assumption of what a complete profile is, but it
// imports nothing of the service, so the two rules are separate code. This table keeps them one
// rule: every payload here must get the same verdict from both.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { missingForCompleteProfile } from '../../../src/contracts/complete-profile';
import { isCompleteProfile } from '../../../src/sandbox';
import { completePayload, minimalPayload } from '../../support/sandbox';
import { example } from '../contracts/fixtures';

type Body = Record<string, unknown>;

const documented = (): Body =>
  JSON.parse(
    readFileSync(path.join(__dirname, '..', '..', 'fixtures', 'ropo-documented-example.json'), 'utf8'),
  ) as Body;

/** Every leaf path of a body, arrays' first element included (`users.0.email`). */
function leafPaths(value: unknown, prefix: string[] = []): string[][] {
  if (Array.isArray(value)) return value.length ? leafPaths(value[0], [...prefix, '0']) : [prefix];
  if (value !== null && typeof value === 'object')
    return Object.entries(value).flatMap(([key, child]) => leafPaths(child, [...prefix, key]));
  return [prefix];
}

function without(body: Body, at: string[]): Body {
  const copy = structuredClone(body);
  let node: Record<string, unknown> = copy;
  for (const key of at.slice(0, -1)) node = node[key] as Record<string, unknown>;
  delete node[at[at.length - 1] as string];
  return copy;
}

function table(): [string, Body][] {
  const rows: [string, Body][] = [
    ["Ropo's documented example (allowIncompleteData: true)", documented()],
    ['the committed complete example', example('customer')],
    ['the committed minimal example', example('customer-minimal')],
    ['the tests\u2019 complete payload', completePayload('0000001-8')],
    ['the tests\u2019 minimal payload', minimalPayload('0000001-8')],
    ['an empty body', {}],
    ['no users', { ...documented(), users: [] }],
    ['VAT liable without vat_number', without(documented(), ['customer_info', 'vat_number'])],
    [
      'not VAT liable, no vat_number',
      without(
        { ...documented(), customer_info: { ...(documented().customer_info as Body), liable_to_pay_vat: 0 } },
        ['customer_info', 'vat_number'],
      ),
    ],
    [
      'a second user lacking fields',
      { ...documented(), users: [...(documented().users as Body[]), { email: 'x' }] },
    ],
  ];
  const full = documented();
  for (const at of leafPaths(full)) rows.push([`without ${at.join('.')}`, without(full, at)]);
  for (const section of Object.keys(full))
    rows.push([`without section ${section}`, without(full, [section])]);
  return rows;
}

describe('complete profile: the sandbox and the service agree', () => {
  it.each(table())('%s', (_name, body) => {
    expect(isCompleteProfile(body)).toBe(missingForCompleteProfile(body).length === 0);
  });

  it("counts Ropo's documented example as complete, whatever allowIncompleteData says", () => {
    expect(isCompleteProfile(documented())).toBe(true);
    expect(isCompleteProfile({ ...documented(), allowIncompleteData: false })).toBe(true);
    expect(isCompleteProfile(minimalPayload('0000001-8'))).toBe(false);
  });

  it('is not a table of trues: dropping a required field changes the verdict', () => {
    const verdicts = table().map(([, body]) => isCompleteProfile(body));
    expect(verdicts.filter(Boolean).length).toBeGreaterThan(3);
    expect(verdicts.filter((v) => !v).length).toBeGreaterThan(20);
  });
});
