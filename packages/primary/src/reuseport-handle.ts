// One SO_REUSEPORT listen socket per worker on a key: the kernel balances and the primary leaves the data path,
// yet it keeps a copy of every socket, so a worker's exit does not reset the connections waiting in its queue.
import type { QueryServerMessage } from '@shoal/protocol';
import type { Strategy } from '@shoal/scheduler';
import type { bindReusePort } from './bind-reuseport-handle.js';
import { HandOff } from './hand-off.js';
import type { QueryServerAnswer, RawStreamHandle, ServerHandle, SockName } from './server-handle.js';
import type { Worker } from './worker.js';
import type { WorkerLink } from './worker-link.js';

interface ListenSocket extends RawStreamHandle {
  listen(backlog: number): number;
}

const defaultBacklog = 511;

export class ReusePortHandle implements ServerHandle {
  readonly key: string;
  data: unknown = undefined;
  readonly #address: string | null | undefined;
  readonly #addressType: 4 | 6;
  readonly #backlog: number;
  readonly #bind: typeof bindReusePort;
  readonly #onClosed: () => void;
  /** The port every socket of the key binds: the query's, or the one the kernel chose for the first (port 0). */
  #port: number;
  /** Each worker's own socket (the primary's copy of it). */
  readonly #sockets = new Map<number, ListenSocket>();
  /** Sockets whose worker left: the primary accepts on them and hands what arrives to the other workers. */
  readonly #orphans: ListenSocket[] = [];
  /** Connections accepted on orphaned sockets reach workers through here (round robin). */
  readonly #handOff: HandOff;

  constructor(
    key: string,
    address: string | null | undefined,
    query: QueryServerMessage,
    strategy: Strategy,
    bind: typeof bindReusePort,
    onClosed: () => void,
  ) {
    this.key = key;
    this.#address = address;
    this.#addressType = query.addressType === 6 ? 6 : 4;
    this.#port = query.port ?? 0;
    const backlog = Number(query.backlog);
    this.#backlog = Number.isInteger(backlog) && backlog > 0 ? backlog : defaultBacklog;
    this.#bind = bind;
    this.#onClosed = onClosed;
    this.#handOff = new HandOff(key, strategy, () => {
      if (this.#closeIfUnused()) this.#onClosed();
    });
  }

  add(worker: Worker, link: WorkerLink, answer: QueryServerAnswer): void {
    const bound = this.#bind(this.#address, this.#port, this.#addressType);
    if (bound.handle === null) {
      answer(bound.errno, null);
      return;
    }
    const socket = bound.handle as ListenSocket;
    if (this.#port === 0) {
      // listen(0): every later socket joins the port the kernel chose for the first, as Node's cluster does.
      const name = {} as SockName;
      socket.getsockname?.(name as unknown as Record<string, unknown>);
      this.#port = name.port;
    }
    this.#sockets.set(worker.id, socket);
    this.#handOff.addWorker(worker, link);
    // Shared mode, from the worker's side: it listens and accepts on the handle it is sent.
    answer(0, null, socket);
  }

  remove(worker: Worker): boolean {
    if (!this.#handOff.knows(worker)) return false;
    const socket = this.#sockets.get(worker.id);
    this.#sockets.delete(worker.id);
    this.#handOff.removeWorker(worker);
    if (this.#closeIfUnused(socket)) return true;
    if (socket !== undefined) this.#adopt(socket);
    return false;
  }

  has(worker: Worker): boolean {
    return this.#sockets.has(worker.id);
  }

  reportLoad(workerId: number, load: { connections: number; requests: number }): void {
    this.#handOff.reportLoad(workerId, load);
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
  #closeIfUnused(leaving?: ListenSocket): boolean {
    if (this.#sockets.size !== 0) return false;
    leaving?.close();
    for (const socket of this.#orphans.splice(0)) socket.close();
    this.#handOff.closeQueued();
    return true;
  }
}
