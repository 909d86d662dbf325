import type { Server } from 'node:http';
import type { Socket } from 'node:net';

/** Tracks a server's open sockets so `close()` can end hung and keep-alive connections at once. */
export function trackSockets(server: Server): { destroyAll(): void } {
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  return {
    destroyAll() {
      for (const socket of sockets) socket.destroy();
      sockets.clear();
    },
  };
}
