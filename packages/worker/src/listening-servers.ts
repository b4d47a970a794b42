// Every net.Server of this process that may be listening, found without patching net or http: the
// documented diagnostics channels name the server on listen and on each connection.
import diagnosticsChannel from 'node:diagnostics_channel';
import { Server } from 'node:net';

/** Published when listen() completes, round-robin cluster listens included (checked on Node 20.20, 22, 24, 26). */
const listenChannel = 'tracing:net.server.listen:asyncEnd';

interface HasServer {
  server?: unknown;
  socket?: { server?: unknown } | null;
}

export class ListeningServers {
  readonly #servers = new Set<Server>();
  readonly #onListen = (message: unknown): void => {
    // Listens are rare: the moment to forget the servers that closed since, so none is held for long.
    this.#prune();
    this.#add((message as HasServer).server);
  };
  /** For a server that listened before this tracker existed: its first connection names it. */
  readonly #onSocket = (message: unknown): void => this.#add((message as HasServer).socket?.server);

  constructor() {
    diagnosticsChannel.subscribe(listenChannel, this.#onListen);
    diagnosticsChannel.subscribe('net.server.socket', this.#onSocket);
  }

  /**
   * The servers listening now: those the channels named, plus the ref'd ones `process._getActiveHandles()`
   * holds (a server that listened before this tracker existed and never got a connection). A round-robin
   * server of a cluster worker has no handle of its own, so only the listen channel finds it.
   */
  listening(): Server[] {
    this.#prune();
    const found = new Set(this.#servers);
    for (const handle of activeHandles()) {
      if (handle instanceof Server && handle.listening) found.add(handle);
    }
    return [...found];
  }

  stop(): void {
    diagnosticsChannel.unsubscribe(listenChannel, this.#onListen);
    diagnosticsChannel.unsubscribe('net.server.socket', this.#onSocket);
    this.#servers.clear();
  }

  #add(server: unknown): void {
    // Set.add of a server already held is one lookup: cheap enough per connection.
    if (server instanceof Server) this.#servers.add(server);
  }

  #prune(): void {
    // Deleting the entry being visited is safe in a Set iteration.
    for (const server of this.#servers) if (!server.listening) this.#servers.delete(server);
  }
}

function activeHandles(): unknown[] {
  const read = (process as { _getActiveHandles?: () => unknown[] })._getActiveHandles;
  try {
    return typeof read === 'function' ? read.call(process) : [];
  } catch {
    return [];
  }
}
