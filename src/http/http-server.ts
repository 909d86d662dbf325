import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import { portInUse } from '../errors/port-in-use-error';

/** A listening HTTP server and how to stop it. */
export interface RunningHttpServer {
  url: string;
  server: Server;
  close(): Promise<void>;
}

/**
 * Listens on host:port (0 = any free port); resolves once listening. Rejects on a listen error: a
 * taken port as {@link PortInUseError} naming `variable`, the setting the operator has to change.
 */
export function listen(
  app: Express,
  port: number,
  host: string,
  variable = 'HTTP_PORT',
): Promise<RunningHttpServer> {
  return new Promise((resolve, reject) => {
    const server = app.listen(port, host);
    server.once('error', (error) => reject(portInUse(error, variable, port, host)));
    server.once('listening', () => {
      const address = server.address() as AddressInfo;
      resolve({
        url: `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`,
        server,
        close: () =>
          new Promise<void>((done, fail) => {
            server.close((error) => (error ? fail(error) : done()));
            server.closeIdleConnections();
          }),
      });
    });
  });
}
