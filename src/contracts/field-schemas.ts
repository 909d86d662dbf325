import { z } from 'zod';
import type { RuleFailure } from './field-error';

/** A domain rule over one (already trimmed and normalised) string. */
export type StringRule = (value: string) => RuleFailure;

/** Wraps a rule as a zod refinement whose issue carries our stable code in `params.code`. */
export function refineWith<T>(rule: (value: T) => RuleFailure) {
  return (value: T, ctx: z.RefinementCtx<T>): void => {
    const failure = rule(value);
    if (failure) ctx.addIssue({ code: 'custom', message: failure.message, params: { code: failure.code } });
  };
}

/** A trimmed, non-empty string of at most `max` characters. */
export function text(max: number) {
  return z.string().trim().min(1).max(max);
}

/** A trimmed string normalised by `normalise`, then checked by `rule`. */
export function ruledText(max: number, rule: StringRule, normalise?: (value: string) => string) {
  const base = text(max);
  return (normalise ? base.overwrite(normalise) : base).superRefine(refineWith(rule));
}

const checkInteger = (value: number): RuleFailure =>
  Number.isInteger(value)
    ? undefined
    : { code: 'NOT_INTEGER', message: 'expected an integer, found a number with a fraction' };

/**
 * An integer within [min, max]. Not `z.int()`: its non-integer issue aborts the whole parse, which
 * would hide the cross-field and completeness errors we promise to report in the same answer.
 */
export function integer(min: number, max: number) {
  return z.number().min(min).max(max).superRefine(refineWith(checkInteger)).meta({ type: 'integer' });
}

/** A non-negative 32-bit integer, the shape of Ropo's numeric codes. */
export function code() {
  return integer(0, 2_147_483_647);
}
