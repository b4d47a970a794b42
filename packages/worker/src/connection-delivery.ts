// Takes the connections the primary hands over with the bytes it already read (a strategy that routes by the
// start of a connection): gives them to the listening server as Node's own hand-off would, then those bytes
// before anything the client sends later, so the app sees an untouched connection.
import type { Server, Socket } from 'node:net';
import type { ListeningServers } from './listening-servers.js';
import type { MisrouteGuard } from './misroute-guard.js';

/** The `cmd` of such a hand-off and of this worker's answer (Node's own cluster code ignores it). */
export const CONNECTION_CMD = 'NODE_SHOAL_CONN';

/** The client a PROXY protocol header named, as the primary parsed it. */
interface ProxyFields {
  family?: unknown;
  sourceAddress?: unknown;
  sourcePort?: unknown;
}

interface ConnectionMessage {
  cmd: typeof CONNECTION_CMD;
  seq: number;
  /** The listen key, as the primary names it. */
  key?: string;
  head: string;
  port: number | null;
  proxy?: ProxyFields;
  /** The key the connection was routed by, and the sources it was read from (to check later requests). */
  routingKey?: string;
  routeBy?: string[];
}

interface ListenHandle {
  onconnection?: (status: number, client: unknown) => void;
}

interface ClosableHandle {
  close?(): void;
}

function isConnectionMessage(message: unknown): message is ConnectionMessage {
  const candidate = message as Partial<ConnectionMessage> | null;
  return (
    typeof candidate === 'object' &&
    candidate !== null &&
    candidate.cmd === CONNECTION_CMD &&
    typeof candidate.seq === 'number' &&
    typeof candidate.head === 'string'
  );
}

/**
 * The listening server on `port` (its address as `server.address()` reports it, round-robin servers included).
 * The last one found per port is kept: looking through every listening server (and the process's handles) per
 * connection would cost as much as the connections open.
 */
function serverFinder(servers: ListeningServers): (port: number | null) => Server | undefined {
  const known = new Map<number, Server>();
  return (port) => {
    if (port === null) return undefined;
    const cached = known.get(port);
    if (cached?.listening) return cached;
    known.delete(port);
    for (const server of servers.listening()) {
      const address = server.address();
      if (address !== null && typeof address === 'object' && address.port === port) {
        known.set(port, server);
        return server;
      }
    }
    return undefined;
  };
}

/**
 * The PROXY header's client becomes the socket's `remoteAddress`/`remotePort`/`remoteFamily` (own properties
 * shadowing net.Socket's getters), which is what frameworks read as the client's address.
 */
function applyProxy(socket: Socket, proxy: ProxyFields | undefined): void {
  if (proxy === undefined || typeof proxy.sourceAddress !== 'string') return;
  const define = (name: string, value: unknown): void => {
    Object.defineProperty(socket, name, { value, configurable: true, enumerable: false, writable: true });
  };
  define('remoteAddress', proxy.sourceAddress);
  if (typeof proxy.sourcePort === 'number') define('remotePort', proxy.sourcePort);
  if (proxy.family === 'IPv4' || proxy.family === 'IPv6') define('remoteFamily', proxy.family);
}

/**
 * Gives `client` to `server` through the handler net set on its listen handle (what a round-robin hand-off
 * calls), with `head` put back in front of whatever the socket reads next. False when the server has no such
 * handler (it closed).
 */
function deliver(
  server: Server,
  client: unknown,
  head: Buffer,
  proxy: ProxyFields | undefined,
  onSocket: (socket: Socket) => void,
): boolean {
  const listenHandle = (server as Server & { _handle?: ListenHandle | null })._handle;
  const onconnection = listenHandle?.onconnection;
  if (typeof onconnection !== 'function') return false;
  // First among the 'connection' listeners, so the bytes are back before the app's listener (http's parser,
  // a TLS wrap) reads anything: it sees them as the first data of the socket.
  const prime = (socket: Socket): void => {
    applyProxy(socket, proxy);
    onSocket(socket);
    if (head.length > 0) socket.unshift(head);
  };
  server.prependOnceListener('connection', prime);
  try {
    onconnection.call(listenHandle, 0, client);
  } finally {
    // Not emitted when the server refused it (maxConnections): the listener must not catch the next one.
    server.removeListener('connection', prime);
  }
  return true;
}

/** Starts answering hand-offs with bytes; returns a function that stops. */
export function acceptConnectionDeliveries(servers: ListeningServers, guard: MisrouteGuard): () => void {
  const serverOn = serverFinder(servers);
  const onInternal = (message: unknown, client: unknown): void => {
    if (!isConnectionMessage(message)) return;
    let accepted = false;
    const server = serverOn(message.port);
    if (server !== undefined && client !== undefined && client !== null) {
      const sources = Array.isArray(message.routeBy)
        ? message.routeBy.filter((source): source is string => typeof source === 'string')
        : [];
      const routed = {
        listenKey: typeof message.key === 'string' ? message.key : '',
        key: typeof message.routingKey === 'string' ? message.routingKey : undefined,
        sources,
        proxy: message.proxy,
      };
      accepted = deliver(server, client, Buffer.from(message.head, 'base64'), message.proxy, (socket) => {
        if (sources.length > 0 && routed.listenKey !== '') guard.watch(server, socket, routed);
      });
    }
    if (!accepted) (client as ClosableHandle | undefined)?.close?.();
    // Our copy is closed when refused: the primary still holds its own and offers it to another worker.
    if (process.connected && process.send)
      process.send({ cmd: CONNECTION_CMD, ack: message.seq, accepted }, undefined, undefined, () => {});
  };
  process.on('internalMessage' as 'message', onInternal);
  return () => process.off('internalMessage' as 'message', onInternal);
}
