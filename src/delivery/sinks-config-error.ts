/** Start-up stops with this when the EVENT_SINKS file is unreadable or an entry is malformed. */
export class SinksConfigError extends Error {
  readonly code = 'SINKS_INVALID';
  constructor(readonly problems: { entry: string; field: string; reason: string }[]) {
    super(
      `Invalid EVENT_SINKS:\n${problems.map((p) => `  - ${p.entry} ${p.field}: ${p.reason}`).join('\n')}`,
    );
    this.name = 'SinksConfigError';
  }
}
