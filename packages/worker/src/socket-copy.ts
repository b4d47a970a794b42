// Sends the primary a copy of this worker's own listen socket on a port (a reuseport socket it took over), so the
// primary holds every socket of the group again and this worker's exit cannot reset the connections queued in it.
import type { Server } from 'node:net';
import type { ListeningServers } from './listening-servers.js';

/** The `cmd` the primary expects with the handle (the extension channel's transport carries no handles). */
export const SOCKET_COPY_CMD = 'NODE_SHOAL_SOCKET';

interface OwnHandle {
  fd?: number;
  getsockname?(out: Record<string, unknown>): number;
}

/**
 * True when a socket was sent. Only a server with a socket of its own (a shared or reuseport handle, not a
 * round-robin server's stand-in) listening on `port` qualifies; the copy travels as a raw handle, so the
 * primary neither accepts on it nor closes this one.
 */
export function sendSocketCopy(servers: ListeningServers, port: number): boolean {
  for (const server of servers.listening()) {
    const handle = (server as Server & { _handle?: OwnHandle | null })._handle;
    if (!handle || typeof handle.getsockname !== 'function' || typeof handle.fd !== 'number' || handle.fd < 0)
      continue;
    const name: { port?: number } = {};
    if (handle.getsockname(name) !== 0 || name.port !== port) continue;
    if (!process.connected || !process.send) return false;
    process.send({ cmd: SOCKET_COPY_CMD, port }, handle as never, undefined, () => {});
    return true;
  }
  return false;
}
