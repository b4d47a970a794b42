// A listen socket the primary accepts on, handing each raw client handle to a worker picked by a strategy.
import net from 'node:net';
import type { QueryServerMessage } from '@shoal/protocol';
import type { Strategy } from '@shoal/scheduler';
import { HandOff } from './hand-off.js';
import type { QueryServerAnswer, RawStreamHandle, ServerHandle, SockName } from './server-handle.js';
import type { Worker } from './worker.js';
import type { WorkerLink } from './worker-link.js';

const UV_TCP_IPV6ONLY = 1;

export class RoundRobinHandle implements ServerHandle {
  readonly key: string;
  data: unknown = undefined;
  readonly #handOff: HandOff;
  readonly #onClosed: () => void;
  #server: net.Server | null;
  #listenHandle: RawStreamHandle | null = null;

  /** `onClosed` runs when the socket closes later than a `remove()` call (a retiring worker answered last). */
  constructor(
    key: string,
    address: string | null | undefined,
    query: QueryServerMessage,
    strategy: Strategy,
    onClosed: () => void,
  ) {
    this.key = key;
    this.#onClosed = onClosed;
    this.#handOff = new HandOff(key, strategy, () => {
      if (this.#closeIfUnused()) this.#onClosed();
    });
    this.#server = net.createServer();
    this.#server.listen(listenOptions(address, query));
    this.#server.once('listening', () => {
      const server = this.#server as unknown as { _handle: RawStreamHandle | null };
      const listenHandle = server._handle as RawStreamHandle;
      // Take the handle over from net.Server: connections arrive as raw handles, never as net.Sockets.
      listenHandle.onconnection = (status, client) => {
        if (status === 0 && client !== undefined) this.#handOff.route(client);
      };
      server._handle = null;
      this.#listenHandle = listenHandle;
      this.#server = null;
    });
  }

  add(worker: Worker, link: WorkerLink, answer: QueryServerAnswer): void {
    const done = (): void => {
      if (!worker.isConnected()) return; // gone while the socket was still binding
      const listenHandle = this.#listenHandle as RawStreamHandle;
      if (listenHandle.getsockname) {
        const sockname = {} as SockName;
        listenHandle.getsockname(sockname as unknown as Record<string, unknown>);
        answer(null, { sockname }, null);
      } else {
        answer(null, null, null); // A pipe has no sockname.
      }
      this.#handOff.addWorker(worker, link);
    };
    if (this.#server === null) {
      done();
      return;
    }
    const server = this.#server;
    const onError = (error: NodeJS.ErrnoException): void => {
      server.off('listening', onListening);
      answer(error.errno ?? -1, null);
    };
    const onListening = (): void => {
      server.off('error', onError);
      done();
    };
    server.once('listening', onListening);
    server.once('error', onError);
  }

  remove(worker: Worker): boolean {
    if (!this.#handOff.knows(worker)) return false;
    this.#handOff.removeWorker(worker);
    // Close as soon as no worker can take a connection, even while a retiring one still owes answers:
    // new clients are then refused, as with Node, instead of piling up for nobody.
    return this.#closeIfUnused();
  }

  has(worker: Worker): boolean {
    return this.#handOff.has(worker);
  }

  reportLoad(workerId: number, load: { connections: number; requests: number }): void {
    this.#handOff.reportLoad(workerId, load);
  }

  #closeIfUnused(): boolean {
    if (this.#handOff.active !== 0) return false;
    this.#handOff.closeQueued();
    this.#listenHandle?.close();
    this.#listenHandle = null;
    this.#server?.close();
    this.#server = null;
    return true;
  }
}

function listenOptions(address: string | null | undefined, query: QueryServerMessage): net.ListenOptions {
  const backlog = typeof query.backlog === 'number' ? query.backlog : undefined;
  if (typeof query.fd === 'number' && query.fd >= 0) return { fd: query.fd, backlog } as net.ListenOptions;
  if (query.port !== null && query.port >= 0) {
    return {
      port: query.port,
      host: address ?? undefined,
      ipv6Only: ((query.flags ?? 0) & UV_TCP_IPV6ONLY) !== 0,
      backlog,
    };
  }
  return {
    path: address ?? undefined,
    backlog,
    readableAll: query.readableAll === true,
    writableAll: query.writableAll === true,
  };
}
