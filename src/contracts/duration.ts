import ms from 'ms';

/** Reads an operator's duration ("90s", "15m", "2h", "7d", or milliseconds); throws naming the option. */
export function parseDuration(value: string, option: string): number {
  const trimmed = value.trim();
  // `ms` also reads negative and long forms ("2 hours"); operators' inputs stay the short, positive ones.
  const parsed = /^\d+(?:\.\d+)?\s*(?:ms|s|m|h|d)?$/.test(trimmed)
    ? ms(trimmed as ms.StringValue)
    : undefined;
  if (typeof parsed !== 'number' || !Number.isFinite(parsed)) {
    throw new Error(`${option}: expected a duration such as 90s, 15m, 2h or 7d`);
  }
  return Math.round(parsed);
}
