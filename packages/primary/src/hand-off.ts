// Hands raw client handles to workers through a Dispatcher: the per-connection path of round robin and of
// the connections the primary accepts on a reuseport socket whose worker left.
import { type ConnectionInfo, Dispatcher, type Strategy } from '@shoal/scheduler';
import type { RawStreamHandle } from './server-handle.js';
import type { Worker } from './worker.js';
import type { WorkerLink } from './worker-link.js';

export class HandOff {
  readonly #key: string;
  readonly #links = new Map<number, WorkerLink>();
  /** Workers removed while hand-offs to them were unanswered: offered nothing new, forgotten once answered. */
  readonly #retiring = new Set<number>();
  readonly #dispatcher: Dispatcher<RawStreamHandle>;
  readonly #needsPeer: boolean;
  readonly #onForgotten: () => void;
  readonly #keyOnly: ConnectionInfo;

  /** `onForgotten` runs when a retiring worker's last hand-off was answered and it was dropped. */
  constructor(key: string, strategy: Strategy, onForgotten: () => void) {
    this.#key = key;
    this.#keyOnly = Object.freeze({ key });
    this.#needsPeer = strategy.needsPeer === true;
    this.#onForgotten = onForgotten;
    this.#dispatcher = new Dispatcher<RawStreamHandle>({
      strategy,
      handOff: (workerId, client) => this.#handOff(workerId, client),
      close: (client) => client.close(),
    });
  }

  /** Workers that can be offered connections (retiring ones are not). */
  get active(): number {
    return this.#links.size - this.#retiring.size;
  }

  addWorker(worker: Worker, link: WorkerLink): void {
    const id = worker.id;
    this.#links.set(id, link);
    if (this.#retiring.delete(id)) {
      // Closed a server and listened again before its last hand-off was answered: it is simply back.
      this.#dispatcher.setReady(id, true);
      return;
    }
    this.#dispatcher.addWorker(id);
  }

  knows(worker: Worker): boolean {
    return this.#links.has(worker.id);
  }

  has(worker: Worker): boolean {
    return this.#links.has(worker.id) && !this.#retiring.has(worker.id);
  }

  /**
   * True when the worker is dropped now (what was pending to it goes to others); false when it still has
   * hand-offs to answer and can answer them (a disconnect() from the primary, say): re-routing those now
   * could serve a connection twice, so it is offered nothing new and dropped once it answered, or exits.
   */
  removeWorker(worker: Worker): boolean {
    const id = worker.id;
    if (!this.#links.has(id)) return false;
    if (worker.isConnected() && (this.#dispatcher.getWorker(id)?.pending ?? 0) > 0) {
      this.#retiring.add(id);
      this.#dispatcher.setReady(id, false);
      return false;
    }
    this.#forget(id);
    return true;
  }

  reportLoad(workerId: number, load: { connections: number; requests: number }): void {
    if (this.#links.has(workerId)) this.#dispatcher.reportLoad(workerId, load);
  }

  route(client: RawStreamHandle): void {
    if (!this.#needsPeer) {
      // Nothing connection-specific is known: one frozen description serves every connection of the key.
      this.#dispatcher.route(client, this.#keyOnly);
      return;
    }
    const info: ConnectionInfo = { key: this.#key };
    if (client.getpeername) {
      const peer: { address?: string; port?: number } = {};
      client.getpeername(peer);
      info.remoteAddress = peer.address;
      info.remotePort = peer.port;
    }
    this.#dispatcher.route(client, info);
  }

  /** Closes every connection still waiting for a worker (the listen socket is going away). */
  closeQueued(): void {
    for (const client of this.#dispatcher.drainAll()) client.close();
  }

  #handOff(workerId: number, client: RawStreamHandle): void {
    const link = this.#links.get(workerId);
    if (link === undefined) return;
    link.sendNewconn(this.#key, client, (reply) => {
      const accepted = reply.accepted === true;
      // The worker holds its own copy now; ours is closed once it says it took the connection.
      if (accepted) client.close();
      this.#dispatcher.settle(workerId, client, accepted);
      if (this.#retiring.has(workerId) && this.#dispatcher.getWorker(workerId)?.pending === 0) {
        this.#forget(workerId);
        this.#onForgotten();
      }
    });
  }

  #forget(id: number): void {
    this.#retiring.delete(id);
    this.#links.delete(id);
    this.#dispatcher.removeWorker(id);
  }
}
