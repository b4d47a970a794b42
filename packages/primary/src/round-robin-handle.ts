// A listen socket the primary accepts on, handing each raw client handle to a worker picked by a strategy.
import net from 'node:net';
import type { LoadCounts, QueryServerMessage } from '@shoal/protocol';
import type { ProxyInfo, Strategy } from '@shoal/scheduler';
import { HandOff, type HandOffOptions } from './hand-off.js';
import type { InheritedSocket } from './inherited-sockets.js';
import type { HandleCounters } from './inspection.js';
import { takeListenHandle } from './node-internals.js';
import type {
  HandleMember,
  LocalAddress,
  QueryServerAnswer,
  RawStreamHandle,
  ServerHandle,
  SockName,
} from './server-handle.js';

const UV_TCP_IPV6ONLY = 1;
const defaultBacklog = 511;

export class RoundRobinHandle implements ServerHandle {
  readonly key: string;
  readonly kind = 'round-robin' as const;
  data: unknown = undefined;
  readonly #handOff: HandOff;
  readonly #onClosed: () => void;
  /** The server while it binds; null once listening (its handle taken over) or closed. */
  #server: net.Server | null = null;
  /** A socket the primary inherited, accepted on instead of binding; released, never closed, with the key. */
  readonly #inherited: InheritedSocket | undefined;
  #listenHandle: RawStreamHandle | null = null;
  #sockname: SockName | undefined;
  #path: string | undefined;
  #closed = false;
  /** The errno of a bind that failed: the handle serves nobody, and answers every later add() with it. */
  #bindError: number | undefined;

  /** `onClosed` runs when the socket closes later than a `remove()` call (a retiring worker answered last). */
  constructor(
    key: string,
    address: string | null | undefined,
    query: QueryServerMessage,
    strategy: Strategy,
    onClosed: () => void,
    options: HandOffOptions = {},
    inherited?: InheritedSocket,
  ) {
    this.key = key;
    this.#onClosed = onClosed;
    this.#handOff = new HandOff(
      key,
      strategy,
      () => {
        if (this.#closeIfUnused()) this.#onClosed();
      },
      options,
    );
    this.#inherited = inherited;
    if (inherited === undefined) this.#bind(address, query);
    else this.#serveInherited(inherited, query);
  }

  #bind(address: string | null | undefined, query: QueryServerMessage): void {
    const server = net.createServer();
    this.#server = server;
    server.listen(listenOptions(address, query));
    server.once('listening', () => {
      const listenHandle = takeListenHandle(server);
      this.#server = null;
      if (this.#closed) {
        // Every worker left while it was binding: nobody is there to serve it.
        listenHandle.close();
        return;
      }
      // Connections arrive as raw handles, never as net.Sockets.
      listenHandle.onconnection = (status, client) => {
        if (status === 0 && client !== undefined) this.#handOff.route(client);
      };
      this.#listenHandle = listenHandle;
      if (listenHandle.getsockname) {
        const sockname = {} as SockName;
        listenHandle.getsockname(sockname as unknown as Record<string, unknown>);
        this.#sockname = sockname;
        this.#handOff.setLocalPort(sockname.port);
      } else {
        // The path as the worker asked for it (and reports it in load reports), not the shorter form bound here.
        this.#path = typeof query.address === 'string' ? query.address : undefined;
      }
    });
    // A failed bind is answered to each waiting worker by add(), and to any later one from #bindError.
    server.on('error', (error: NodeJS.ErrnoException) => {
      this.#bindError = error.errno ?? -1;
      this.#server = null;
      this.#closed = true;
    });
  }

  #serveInherited(inherited: InheritedSocket, query: QueryServerMessage): void {
    const backlog = typeof query.backlog === 'number' && query.backlog > 0 ? query.backlog : defaultBacklog;
    const errno = inherited.acceptFor(this, backlog, (client) => this.#handOff.route(client));
    if (errno !== 0) {
      // Held by another key (one listening on another spelling of its address), or not listenable.
      this.#bindError = errno;
      this.#closed = true;
      return;
    }
    if (inherited.sockname !== undefined) {
      this.#sockname = inherited.sockname;
      this.#handOff.setLocalPort(inherited.sockname.port);
    } else {
      this.#path = typeof query.address === 'string' ? query.address : inherited.path;
    }
  }

  add(member: HandleMember, answer: QueryServerAnswer): void {
    if (this.#bindError !== undefined) {
      answer(this.#bindError, null);
      return;
    }
    // Registered at once, as Node does: a worker that leaves while the socket still binds is then removed like
    // any other, and the socket closes with it instead of staying open for nobody.
    this.#handOff.addWorker(member);
    const reply = (): void => {
      if (!this.#handOff.has(member)) return; // it left (or closed) while the socket was binding
      answer(null, this.#sockname ? { sockname: this.#sockname } : null, null); // a pipe has no sockname
    };
    const server = this.#server;
    if (server === null) {
      reply();
      this.#inherited?.drain(this);
      return;
    }
    const onError = (error: NodeJS.ErrnoException): void => {
      server.off('listening', onListening);
      this.#handOff.removeWorker(member);
      answer(error.errno ?? -1, null);
    };
    const onListening = (): void => {
      server.off('error', onError);
      reply();
    };
    server.once('listening', onListening);
    server.once('error', onError);
  }

  remove(member: HandleMember): boolean {
    if (!this.#handOff.knows(member)) return false;
    this.#handOff.removeWorker(member);
    // Close as soon as no worker can take a connection, even while a retiring one still owes answers:
    // new clients are then refused, as with Node, instead of piling up for nobody.
    return this.#closeIfUnused();
  }

  has(member: HandleMember): boolean {
    return this.#handOff.has(member);
  }

  memberIds(): number[] {
    return this.#handOff.activeIds();
  }

  localAddress(): LocalAddress | undefined {
    if (this.#sockname) return { address: this.#sockname.address, port: this.#sockname.port };
    if (this.#path !== undefined) return { path: this.#path };
    return undefined;
  }

  reportLoad(workerId: number, load: LoadCounts): void {
    this.#handOff.reportLoad(workerId, load);
  }

  claim(workerId: number, key: string): void {
    this.#handOff.claim(workerId, key);
  }

  reroute(client: RawStreamHandle, bytes: Uint8Array, proxy: ProxyInfo | undefined): boolean {
    if (this.#closed) return false;
    return this.#handOff.reroute(client, bytes, proxy);
  }

  get strategyName(): string {
    return this.#handOff.strategyName;
  }

  counters(): HandleCounters {
    return { ...this.#handOff.counters(), sockets: this.#closed ? 0 : 1 };
  }

  #closeIfUnused(): boolean {
    if (this.#handOff.active !== 0) return false;
    this.#closed = true;
    this.#handOff.closeQueued();
    this.#inherited?.release(this);
    this.#listenHandle?.close();
    this.#listenHandle = null;
    // Still binding: the 'listening' handler closes what the bind produces.
    return true;
  }
}

function listenOptions(address: string | null | undefined, query: QueryServerMessage): net.ListenOptions {
  const backlog = typeof query.backlog === 'number' ? query.backlog : undefined;
  if (typeof query.fd === 'number' && query.fd >= 0) return { fd: query.fd, backlog } as net.ListenOptions;
  if (query.port !== null && query.port !== undefined && query.port >= 0) {
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
