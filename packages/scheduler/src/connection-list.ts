// An ordered list of connections with what the dispatcher knows about each (info, refusals), kept in parallel
// arrays between a head and a tail index: once the arrays have grown, adding and taking entries allocates
// nothing (the arrays are never truncated, which would make V8 drop their storage).
import type { ConnectionInfo, WorkerId } from './strategy.js';

/** Ids of the workers that refused a connection; absent until one does. */
export type Refusals = WorkerId[] | undefined;

export class ConnectionList<C> {
  readonly #connections: (C | undefined)[] = [];
  readonly #infos: (ConnectionInfo | undefined)[] = [];
  readonly #refusals: Refusals[] = [];
  #head = 0;
  #tail = 0;

  get length(): number {
    return this.#tail - this.#head;
  }

  connectionAt(index: number): C {
    return this.#connections[this.#head + index] as C;
  }

  infoAt(index: number): ConnectionInfo {
    return this.#infos[this.#head + index] as ConnectionInfo;
  }

  refusalsAt(index: number): Refusals {
    return this.#refusals[this.#head + index];
  }

  indexOf(connection: C): number {
    const connections = this.#connections;
    for (let i = this.#head; i < this.#tail; i++) {
      if (connections[i] === connection) return i - this.#head;
    }
    return -1;
  }

  push(connection: C, info: ConnectionInfo, refusals: Refusals): void {
    const at = this.#tail++;
    if (at === this.#connections.length) {
      this.#connections.push(connection);
      this.#infos.push(info);
      this.#refusals.push(refusals);
    } else {
      this.#set(at, connection, info, refusals);
    }
  }

  unshift(connection: C, info: ConnectionInfo, refusals: Refusals): void {
    if (this.#head === 0) {
      // Rare (a refused or re-routed connection while the head is at 0): open a slot at the front.
      this.push(connection, info, refusals);
      for (let i = this.#tail - 1; i > 0; i--) this.#move(i - 1, i);
      this.#set(0, connection, info, refusals);
      return;
    }
    this.#set(--this.#head, connection, info, refusals);
  }

  /** Removes one entry, keeping the order of the others. */
  removeAt(index: number): void {
    if (index === 0) {
      this.#set(this.#head++, undefined, undefined, undefined);
    } else {
      for (let i = this.#head + index + 1; i < this.#tail; i++) this.#move(i, i - 1);
      this.#set(--this.#tail, undefined, undefined, undefined);
    }
    if (this.#head === this.#tail) this.#head = this.#tail = 0;
    else if (this.#head >= 1024 && this.#head * 2 >= this.#tail) this.#compact();
  }

  /** Empties the list and returns its connections in order. */
  takeAll(): C[] {
    const taken = this.toArray();
    for (let i = this.#head; i < this.#tail; i++) this.#set(i, undefined, undefined, undefined);
    this.#head = this.#tail = 0;
    return taken;
  }

  /** The connections in order (a copy). */
  toArray(): C[] {
    return this.#connections.slice(this.#head, this.#tail) as C[];
  }

  #set(at: number, connection: C | undefined, info: ConnectionInfo | undefined, refusals: Refusals): void {
    // Cleared slots hold undefined so that the list never keeps a finished connection alive.
    this.#connections[at] = connection;
    this.#infos[at] = info;
    this.#refusals[at] = refusals;
  }

  #move(from: number, to: number): void {
    this.#set(to, this.#connections[from], this.#infos[from], this.#refusals[from]);
  }

  #compact(): void {
    const head = this.#head;
    for (let i = head; i < this.#tail; i++) this.#move(i, i - head);
    for (let i = this.#tail - head; i < this.#tail; i++) this.#set(i, undefined, undefined, undefined);
    this.#tail -= head;
    this.#head = 0;
  }
}
