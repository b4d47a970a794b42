// A listen socket the primary accepts on, handing each raw client handle to a worker picked by a strategy.
import net from 'node:net';
import type { QueryServerMessage } from '@shoal/protocol';
import { type ConnectionInfo, Dispatcher, type Strategy } from '@shoal/scheduler';
import type { QueryServerAnswer, RawStreamHandle, ServerHandle, SockName } from './server-handle.js';
import type { Worker } from './worker.js';
import type { WorkerLink } from './worker-link.js';

const UV_TCP_IPV6ONLY = 1;

export class RoundRobinHandle implements ServerHandle {
  readonly key: string;
  data: unknown = undefined;
  readonly #links = new Map<number, WorkerLink>();
  /** Workers removed while hand-offs to them were unanswered: offered nothing new, forgotten once answered. */
  readonly #retiring = new Set<number>();
  readonly #onClosed: () => void;
  readonly #dispatcher: Dispatcher<RawStreamHandle>;
  readonly #needsPeer: boolean;
  #server: net.Server | null;
  #listenHandle: RawStreamHandle | null = null;

  constructor(
    key: string,
    address: string | null | undefined,
    query: QueryServerMessage,
    strategy: Strategy,
    onClosed: () => void,
  ) {
    this.key = key;
    this.#onClosed = onClosed;
    this.#needsPeer = strategy.needsPeer === true;
    this.#dispatcher = new Dispatcher<RawStreamHandle>({
      strategy,
      handOff: (workerId, client) => this.#handOff(workerId, client),
      close: (client) => client.close(),
    });
    this.#server = net.createServer();
    this.#server.listen(listenOptions(address, query));
    this.#server.once('listening', () => {
      const server = this.#server as unknown as { _handle: RawStreamHandle | null };
      const listenHandle = server._handle as RawStreamHandle;
      // Take the handle over from net.Server: connections arrive as raw handles, never as net.Sockets.
      listenHandle.onconnection = (status, client) => this.#onConnection(status, client);
      server._handle = null;
      this.#listenHandle = listenHandle;
      this.#server = null;
    });
  }

  add(worker: Worker, link: WorkerLink, answer: QueryServerAnswer): void {
    this.#links.set(worker.id, link);
    const done = (): void => {
      if (!this.#links.has(worker.id)) return;
      const listenHandle = this.#listenHandle as RawStreamHandle;
      if (listenHandle.getsockname) {
        const sockname = {} as SockName;
        listenHandle.getsockname(sockname as unknown as Record<string, unknown>);
        answer(null, { sockname }, null);
      } else {
        answer(null, null, null); // A pipe has no sockname.
      }
      this.#dispatcher.addWorker(worker.id);
    };
    if (this.#server === null) {
      done();
      return;
    }
    const server = this.#server;
    const onError = (error: NodeJS.ErrnoException): void => {
      server.off('listening', done);
      answer(error.errno ?? -1, null);
    };
    server.once('listening', () => {
      server.off('error', onError);
      done();
    });
    server.once('error', onError);
  }

  remove(worker: Worker): boolean {
    const id = worker.id;
    if (!this.#links.has(id)) return false;
    if (worker.isConnected() && (this.#dispatcher.getWorker(id)?.pending ?? 0) > 0) {
      // It may still accept what it was sent (a disconnect() from the primary, say): re-routing those now
      // could serve a connection twice. Offer it nothing new; its answers, or its exit, settle the rest.
      this.#retiring.add(id);
      this.#dispatcher.setReady(id, false);
      return false;
    }
    return this.#forget(id);
  }

  has(worker: Worker): boolean {
    return this.#links.has(worker.id) && !this.#retiring.has(worker.id);
  }

  reportLoad(workerId: number, load: { connections: number; requests: number }): void {
    if (this.#links.has(workerId)) this.#dispatcher.reportLoad(workerId, load);
  }

  #onConnection(status: number, client: RawStreamHandle | undefined): void {
    if (status !== 0 || client === undefined) return;
    const info: ConnectionInfo = { key: this.key };
    if (this.#needsPeer && client.getpeername) {
      const peer: { address?: string; port?: number } = {};
      client.getpeername(peer);
      info.remoteAddress = peer.address;
      info.remotePort = peer.port;
    }
    this.#dispatcher.route(client, info);
  }

  #handOff(workerId: number, client: RawStreamHandle): void {
    const link = this.#links.get(workerId);
    if (link === undefined) return;
    link.send({ act: 'newconn', key: this.key }, client, (reply) => {
      const accepted = reply.accepted === true;
      // The worker holds its own copy now; ours is closed once it says it took the connection.
      if (accepted) client.close();
      this.#dispatcher.settle(workerId, client, accepted);
      if (this.#retiring.has(workerId) && this.#dispatcher.getWorker(workerId)?.pending === 0) {
        if (this.#forget(workerId)) this.#onClosed();
      }
    });
  }

  /** Drops the worker (re-routing anything still pending to it); true when it was the last and the socket closed. */
  #forget(id: number): boolean {
    this.#retiring.delete(id);
    this.#links.delete(id);
    this.#dispatcher.removeWorker(id);
    if (this.#links.size !== 0) return false;
    for (const client of this.#dispatcher.drainAll()) client.close();
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
