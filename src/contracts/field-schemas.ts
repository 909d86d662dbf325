import { z } from 'zod';
import { describeString, plural } from './describe-value';
import type { FieldErrorCode, RuleFailure } from './field-error';

// Each leaf is one zod type plus ONE custom check doing trim, normalise, length and rule
// together. zod's chained built-ins (`.trim().min().max().overwrite().superRefine()`) cost a
// check object and a pass each: with ~40 fields that doubled validation time (measured), and
// the 50k payloads/s budget matters to the worker. Limits are still published to JSON Schema
// through `.meta()`.

/** A domain rule over one (already trimmed and normalised) value. */
export type Rule<T> = (value: T) => RuleFailure;

/** A domain rule over one (already trimmed and normalised) string. */
export type StringRule = Rule<string>;

/** Pushes an issue carrying our stable code; `continue` so sibling and cross-field checks still run. */
export function pushFailure(payload: z.core.ParsePayload, code: FieldErrorCode, message: string): void {
  payload.issues.push({ code: 'custom', message, input: payload.value, params: { code }, continue: true });
}

/** Adds the issue of a failed rule (nothing when it passed), at `path` if given, with our stable code in `params.code`. */
export function addFailure<T>(ctx: z.RefinementCtx<T>, failure: RuleFailure, path?: PropertyKey[]): void {
  if (!failure) return;
  ctx.addIssue({
    code: 'custom',
    ...(path ? { path } : {}),
    message: failure.message,
    params: { code: failure.code },
  });
}

/** Wraps a rule as a zod refinement whose issue carries our stable code in `params.code`. */
export function refineWith<T>(rule: Rule<T>) {
  return (value: T, ctx: z.RefinementCtx<T>): void => addFailure(ctx, rule(value));
}

/** A string trimmed, optionally normalised, then required to be 1..max characters and to pass `rule`. */
export function ruledText(max: number, rule?: StringRule, normalise?: (value: string) => string) {
  return z
    .string()
    .check((payload) => {
      const trimmed = payload.value.trim();
      const value = normalise ? normalise(trimmed) : trimmed;
      payload.value = value;
      if (value.length === 0) {
        pushFailure(payload, 'TOO_SHORT', `expected a non-empty string, found ${describeString(trimmed)}`);
      } else if (value.length > max) {
        pushFailure(
          payload,
          'TOO_LONG',
          `expected at most ${plural(max, 'character')}, found ${describeString(value)}`,
        );
      } else if (rule) {
        const failure = rule(value);
        if (failure) pushFailure(payload, failure.code, failure.message);
      }
    })
    .meta({ minLength: 1, maxLength: max });
}

/** A trimmed, non-empty string of at most `max` characters. */
export function text(max: number) {
  return ruledText(max);
}

/**
 * An integer within [min, max]. Not `z.int()`: its non-integer issue aborts the whole parse, which
 * would hide the cross-field and completeness errors we promise to report in the same answer.
 */
export function integer(min: number, max: number) {
  return z
    .number()
    .check((payload) => {
      const value = payload.value;
      if (!Number.isInteger(value)) {
        pushFailure(payload, 'NOT_INTEGER', 'expected an integer, found a number with a fraction');
      } else if (value < min || value > max) {
        pushFailure(
          payload,
          'OUT_OF_RANGE',
          `expected an integer from ${min} to ${max}, found ${value < min ? 'a smaller' : 'a larger'} one`,
        );
      }
    })
    .meta({ type: 'integer', minimum: min, maximum: max });
}

/** A non-negative 32-bit integer, the shape of Ropo's numeric codes. */
export function code() {
  return integer(0, 2_147_483_647);
}
