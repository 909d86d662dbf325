/** A server could not listen because its port is taken; names the variable that sets the port. */
export class PortInUseError extends Error {
  readonly code = 'PORT_IN_USE';
  constructor(
    /** The setting to change: `HTTP_PORT`, `METRICS_PORT`, `SANDBOX_PORT`. */
    readonly variable: string,
    readonly port: number,
    readonly host: string,
  ) {
    super(
      `port ${port} on ${host} is already in use (${variable}=${port}): ` +
        `set ${variable} to a free port, or stop what listens there`,
    );
    this.name = 'PortInUseError';
  }
}

/** Turns a listen error into {@link PortInUseError} when the port was taken; other errors pass through. */
export function portInUse(error: unknown, variable: string, port: number, host: string): unknown {
  return (error as { code?: unknown } | null)?.code === 'EADDRINUSE'
    ? new PortInUseError(variable, port, host)
    : error;
}
