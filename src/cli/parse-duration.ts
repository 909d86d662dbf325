const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Reads an operator's duration ("90s", "15m", "2h", "7d", or milliseconds); throws naming the option. */
export function parseDuration(value: string, option: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?$/.exec(value.trim());
  if (!match) throw new Error(`${option}: expected a duration such as 90s, 15m, 2h or 7d`);
  return Math.round(Number(match[1]) * (UNITS[match[2] ?? 'ms'] as number));
}
