// A port nothing listens on right now, for a program that must be told its port (HAProxy, Redis): bound and
// closed, so another process may still take it before the program binds — callers retry on EADDRINUSE.
import { once } from 'node:events';
import net from 'node:net';

export async function freePort(host = '127.0.0.1'): Promise<number> {
  const server = net.createServer();
  server.listen(0, host);
  await once(server, 'listening');
  const { port } = server.address() as net.AddressInfo;
  server.close();
  await once(server, 'close');
  return port;
}

/** Resolves once a TCP connection to host:port is accepted (and closes it); rejects on the first failure. */
export function connects(port: number, host = '127.0.0.1', timeoutMs = 2000): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ port, host, timeout: timeoutMs });
    socket.once('connect', () => {
      socket.destroy();
      resolve();
    });
    socket.once('timeout', () => socket.destroy(new Error(`connect to ${host}:${port} timed out`)));
    socket.once('error', reject);
  });
}
