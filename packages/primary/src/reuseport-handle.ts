// One SO_REUSEPORT listen socket per worker on a key: the kernel balances and the primary leaves the data path,
// yet it keeps a copy of every socket, so a worker's exit does not reset the connections waiting in its queue:
// the primary accepts on that orphan until a replacement worker takes it over.
import type { LoadCounts, QueryServerMessage } from '@shoal/protocol';
import type { Strategy } from '@shoal/scheduler';
import type { bindReusePort } from './bind-reuseport-handle.js';
import { HandOff, type HandOffOptions } from './hand-off.js';
import type { HandleCounters } from './inspection.js';
import type {
  HandleMember,
  LocalAddress,
  QueryServerAnswer,
  RawStreamHandle,
  ServerHandle,
  SockName,
} from './server-handle.js';

interface ListenSocket extends RawStreamHandle {
  listen(backlog: number): number;
}

const defaultBacklog = 511;

export class ReusePortHandle implements ServerHandle {
  readonly key: string;
  readonly kind = 'reuseport' as const;
  data: unknown = undefined;
  readonly #address: string | null | undefined;
  readonly #addressType: 4 | 6;
  readonly #backlog: number;
  readonly #bind: typeof bindReusePort;
  readonly #onClosed: () => void;
  /** The port every socket of the key binds: the query's, or the one the kernel chose for the first (port 0). */
  #port: number;
  #boundAddress: string | undefined;
  /**
   * Each worker's socket: the primary's copy (not accepted on), or null once the worker took an orphan over —
   * the primary closed the copy it was accepting on, and the worker's is the only one.
   */
  readonly #sockets = new Map<number, ListenSocket | null>();
  /** Sockets whose worker left: the primary accepts on them and hands what arrives to the other workers. */
  readonly #orphans: ListenSocket[] = [];
  /** Orphans sent to a replacement worker, not yet written to its channel: still accepted on here meanwhile. */
  readonly #takingOver = new Map<number, ListenSocket>();
  /** Connections accepted on orphaned sockets reach workers through here. */
  readonly #handOff: HandOff;
  #closed = false;

  constructor(
    key: string,
    address: string | null | undefined,
    query: QueryServerMessage,
    strategy: Strategy,
    bind: typeof bindReusePort,
    onClosed: () => void,
    options: HandOffOptions = {},
  ) {
    this.key = key;
    this.#address = address;
    this.#addressType = query.addressType === 6 ? 6 : 4;
    this.#port = query.port ?? 0;
    const backlog = Number(query.backlog);
    this.#backlog = Number.isInteger(backlog) && backlog > 0 ? backlog : defaultBacklog;
    this.#bind = bind;
    this.#onClosed = onClosed;
    this.#handOff = new HandOff(
      key,
      strategy,
      () => {
        if (this.#closeIfUnused()) this.#onClosed();
      },
      { ...options, localPort: this.#port || undefined },
    );
  }

  add(member: HandleMember, answer: QueryServerAnswer): void {
    const orphan = this.#orphans.shift();
    if (orphan !== undefined) {
      this.#takeOver(member, orphan, answer);
      return;
    }
    const bound = this.#bind(this.#address, this.#port, this.#addressType);
    if (bound.handle === null) {
      answer(bound.errno, null);
      return;
    }
    const socket = bound.handle as ListenSocket;
    if (this.#port === 0 || this.#boundAddress === undefined) {
      // listen(0): every later socket joins the port the kernel chose for the first, as Node's cluster does.
      const name = {} as SockName;
      socket.getsockname?.(name as unknown as Record<string, unknown>);
      this.#port = name.port;
      this.#boundAddress = name.address;
      this.#handOff.setLocalPort(name.port);
    }
    this.#sockets.set(member.id, socket);
    this.#handOff.addWorker(member);
    // Shared mode, from the worker's side: it listens and accepts on the handle it is sent.
    answer(0, null, socket);
  }

  remove(member: HandleMember): boolean {
    if (!this.#handOff.knows(member)) return false;
    const id = member.id;
    const socket = this.#sockets.get(id);
    this.#sockets.delete(id);
    const pendingTakeOver = this.#takingOver.get(id);
    this.#takingOver.delete(id);
    this.#handOff.removeWorker(member);
    if (this.#closeIfUnused(socket ?? pendingTakeOver)) return true;
    // Left before the orphan it was given reached it: the primary never stopped accepting on it.
    if (pendingTakeOver !== undefined) this.#orphans.push(pendingTakeOver);
    else if (socket) this.#adopt(socket);
    // null: the worker held the only copy, which goes away with it; nothing is left to drain.
    return false;
  }

  has(member: HandleMember): boolean {
    return this.#sockets.has(member.id);
  }

  memberIds(): number[] {
    return [...this.#sockets.keys()];
  }

  localAddress(): LocalAddress | undefined {
    return this.#boundAddress === undefined ? undefined : { address: this.#boundAddress, port: this.#port };
  }

  reportLoad(workerId: number, load: LoadCounts): void {
    this.#handOff.reportLoad(workerId, load);
  }

  claim(workerId: number, key: string): void {
    this.#handOff.claim(workerId, key);
  }

  get strategyName(): string {
    return this.#handOff.strategyName;
  }

  counters(): HandleCounters {
    return {
      ...this.#handOff.counters(),
      sockets: this.#sockets.size + this.#orphans.length,
      orphans: this.#orphans.length,
    };
  }

  /**
   * A replacement takes an orphan over: it is sent the socket, and once the message carrying it is written the
   * primary closes the copy it was accepting on, so it leaves the data path and the key keeps N sockets.
   */
  #takeOver(member: HandleMember, orphan: ListenSocket, answer: QueryServerAnswer): void {
    const id = member.id;
    this.#sockets.set(id, orphan);
    this.#takingOver.set(id, orphan);
    this.#handOff.addWorker(member);
    answer(0, null, orphan, (error) => {
      if (this.#takingOver.get(id) !== orphan) return; // it left meanwhile; remove() kept the orphan
      this.#takingOver.delete(id);
      if (error) return; // not delivered: the worker is going, and remove() will keep the orphan
      this.#sockets.set(id, null);
      orphan.onconnection = null;
      orphan.close();
      // The worker's copy is the only one now; its runtime (if it runs one) sends a copy back, so the primary
      // again holds every socket and this worker's exit will not reset its queue either.
      member.requestSocketCopy?.(this.#port);
    });
  }

  adoptSocketCopy(member: HandleMember, port: number, socket: RawStreamHandle): boolean {
    if (port !== this.#port || this.#sockets.get(member.id) !== null) return false;
    this.#sockets.set(member.id, socket as ListenSocket);
    return true;
  }

  /** The kernel keeps routing connections to a socket its worker left: accept them here and hand them on. */
  #adopt(socket: ListenSocket): void {
    socket.onconnection = (status, client) => {
      if (status === 0 && client !== undefined) this.#handOff.route(client);
    };
    if (socket.listen(this.#backlog) !== 0) {
      socket.close();
      return;
    }
    this.#orphans.push(socket);
  }

  /** Closes everything once no worker is left to serve the key; `leaving` is the socket of the one that just left. */
  #closeIfUnused(leaving?: ListenSocket | null): boolean {
    if (this.#sockets.size !== 0) return false;
    this.#closed = true;
    leaving?.close();
    for (const socket of this.#orphans.splice(0)) socket.close();
    this.#handOff.closeQueued();
    return true;
  }

  get closed(): boolean {
    return this.#closed;
  }
}
