// Counts a worker's live connections and in-flight HTTP requests, in total and per server, from Node's
// documented diagnostics channels.
import diagnosticsChannel from 'node:diagnostics_channel';
import type { Server, Socket } from 'node:net';
import type { LoadReport, ServerLoad } from '@shoal/protocol';

interface ServerSocketEvent {
  /** Node sets `server` on every socket a net.Server accepts (undocumented in @types/node). */
  socket: Socket & { server?: unknown };
}

interface HttpRequestEvent {
  request?: { socket?: { server?: unknown } | null };
  response: { on(event: 'close', listener: () => void): unknown };
  socket?: { server?: unknown } | null;
  server?: unknown;
}

/** A server the tracker has seen connections on: its counts, and where it listens (read once). */
class ServerCounts {
  connections = 0;
  requests = 0;
  readonly server: Server;
  readonly address: string | undefined;
  readonly port: number | undefined;
  readonly path: string | undefined;
  /** One listener per server, shared by all its sockets and responses: nothing is allocated per connection. */
  readonly onSocketClose: () => void;
  readonly onResponseClose: () => void;

  constructor(server: Server, onSocketClose: () => void, onResponseClose: () => void) {
    this.server = server;
    const where = addressOf(server);
    if (typeof where === 'string') {
      this.path = where;
    } else if (where !== null) {
      this.address = where.address;
      this.port = where.port;
    }
    this.onSocketClose = onSocketClose;
    this.onResponseClose = onResponseClose;
  }

  toServerLoad(): ServerLoad {
    const load: ServerLoad = { connections: this.connections, requests: this.requests };
    if (this.address !== undefined) load.address = this.address;
    if (this.port !== undefined) load.port = this.port;
    if (this.path !== undefined) load.path = this.path;
    return load;
  }
}

/** `server.address()`, or null: this runs inside the application, and must never throw into it. */
function addressOf(server: Server): { address: string; port: number } | string | null {
  try {
    const where = server.address() as unknown;
    if (typeof where === 'string') return where;
    if (typeof where === 'object' && where !== null) {
      const { address, port } = where as { address?: unknown; port?: unknown };
      if (typeof address === 'string' && typeof port === 'number') return { address, port };
    }
  } catch {
    // An address we cannot read: the server is reported without one.
  }
  return null;
}

function isServer(value: unknown): value is Server {
  return typeof value === 'object' && value !== null && typeof (value as Server).address === 'function';
}

/**
 * Subscribes to `net.server.socket` and `http.server.request.start`; calls `onChange` after every change.
 * Counts are kept per server (the connection's `socket.server`, the request's server) as well as in total.
 */
export class LoadTracker {
  connections = 0;
  requests = 0;
  /** HTTP requests started since the tracker started (for a request rate). */
  requestsTotal = 0;
  readonly #onChange: () => void;
  /** Servers seen, in the order of their first connection; one not listening any more goes once idle. */
  readonly #servers = new Map<Server, ServerCounts>();
  readonly #onSocket = (message: unknown): void => {
    const { socket } = message as ServerSocketEvent;
    this.connections++;
    const counts = this.#countsOf(socket.server);
    // 'close' is emitted once; on() spares the wrapper once() would allocate per socket.
    if (counts === undefined) {
      socket.on('close', this.#onSocketClose);
    } else {
      counts.connections++;
      socket.on('close', counts.onSocketClose);
    }
    this.#onChange();
  };
  readonly #onSocketClose = (): void => {
    this.connections--;
    this.#onChange();
  };
  readonly #onRequest = (message: unknown): void => {
    const event = message as HttpRequestEvent;
    this.requests++;
    this.requestsTotal++;
    const counts = this.#countsOf(event.server ?? event.socket?.server ?? event.request?.socket?.server);
    // 'close' fires for finished and for aborted responses alike, so the count never drifts up.
    if (counts === undefined) {
      event.response.on('close', this.#onResponseClose);
    } else {
      counts.requests++;
      event.response.on('close', counts.onResponseClose);
    }
    this.#onChange();
  };
  readonly #onResponseClose = (): void => {
    this.requests--;
    this.#onChange();
  };

  constructor(onChange: () => void) {
    this.#onChange = onChange;
    diagnosticsChannel.subscribe('net.server.socket', this.#onSocket);
    diagnosticsChannel.subscribe('http.server.request.start', this.#onRequest);
  }

  /** The totals and one entry per server seen; a server that stopped listening is left out once idle. */
  snapshot(): LoadReport {
    const servers: ServerLoad[] = [];
    for (const counts of this.#servers.values()) {
      if (counts.connections === 0 && counts.requests === 0 && !counts.server.listening) {
        // Deleting the entry being visited is safe in a Map iteration.
        this.#servers.delete(counts.server);
        continue;
      }
      servers.push(counts.toServerLoad());
    }
    return { connections: this.connections, requests: this.requests, servers };
  }

  stop(): void {
    diagnosticsChannel.unsubscribe('net.server.socket', this.#onSocket);
    diagnosticsChannel.unsubscribe('http.server.request.start', this.#onRequest);
  }

  #countsOf(server: unknown): ServerCounts | undefined {
    if (!isServer(server)) return undefined;
    let counts = this.#servers.get(server);
    if (counts === undefined) {
      const created: ServerCounts = new ServerCounts(
        server,
        () => {
          created.connections--;
          this.connections--;
          this.#onChange();
        },
        () => {
          created.requests--;
          this.requests--;
          this.#onChange();
        },
      );
      counts = created;
      this.#servers.set(server, counts);
    }
    return counts;
  }
}
