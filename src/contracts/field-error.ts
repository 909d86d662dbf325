import { z } from 'zod';

/** Every code a {@link FieldError} can carry; consumers (dead letters, HTTP 422s, metrics) may switch on them. */
export const FIELD_ERROR_CODES = [
  'REQUIRED',
  'UNKNOWN_KEY',
  'TYPE',
  'TOO_LONG',
  'TOO_SHORT',
  'OUT_OF_RANGE',
  'NOT_INTEGER',
  'VALUE_INVALID',
  'DUPLICATE',
  'BUSINESS_ID_FORMAT',
  'BUSINESS_ID_CHECK_DIGIT',
  'VAT_FORMAT',
  'VAT_MISMATCH',
  'IBAN_INVALID',
  'EMAIL_INVALID',
  'PHONE_INVALID',
  'URL_INVALID',
  'UUID_INVALID',
  'COUNTRY_INVALID',
  'NATIONALITY_INVALID',
  'LANGUAGE_INVALID',
  'POSTAL_CODE_INVALID',
  'INVALID',
  // Record-level, from readers of JSON/NDJSON input (the CLI): the record is not JSON at all.
  'JSON_INVALID',
] as const;

/** A stable error code. */
export type FieldErrorCode = (typeof FIELD_ERROR_CODES)[number];

/** One problem with one field of a createprofile body; never contains the personal value itself. */
export const fieldErrorSchema = z
  .object({
    path: z.string().meta({ description: "Dotted path, e.g. users.0.email; '' for the body as a whole" }),
    code: z.enum(FIELD_ERROR_CODES),
    message: z.string().meta({ description: 'What was expected and the shape of what was found' }),
  })
  .meta({ title: 'FieldError' });

/** One problem with one field of a createprofile body; never contains the personal value itself. */
export type FieldError = z.infer<typeof fieldErrorSchema>;

/** The outcome of one domain rule applied to one string: `undefined` when it passes. */
export type RuleFailure = { code: FieldErrorCode; message: string } | undefined;
