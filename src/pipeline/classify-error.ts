/** What the pipeline needs to know about any error thrown while onboarding. */
export interface ClassifiedError {
  code: string;
  message: string;
  retryable: boolean;
  httpStatus?: number;
  ropoError?: { Code?: number; Message?: string };
}

/**
 * Reads the stable fields the Ropo client's errors carry; anything else (a bug, a Redis error)
 * is INTERNAL and retryable, because the job itself may well be fine.
 */
export function classifyError(error: unknown): ClassifiedError {
  const e = (error ?? {}) as {
    code?: unknown;
    message?: unknown;
    retryable?: unknown;
    status?: unknown;
    ropoError?: { Code?: number; Message?: string };
  };
  const known =
    typeof e.code === 'string' && /^[A-Z][A-Z0-9_]+$/.test(e.code) && typeof e.retryable === 'boolean';
  return {
    code: known ? (e.code as string) : 'INTERNAL',
    message: typeof e.message === 'string' ? e.message : String(error),
    retryable: known ? (e.retryable as boolean) : true,
    httpStatus: typeof e.status === 'number' ? e.status : undefined,
    ropoError: e.ropoError,
  };
}
