// The dispatcher of one listen socket: the FIFO queue of connections waiting for a worker, the table of
// hand-offs in flight per worker, and the live per-worker view strategies decide on.

import type { LoadCounts } from '@shoal/protocol';
import { ConnectionList, type Refusals } from './connection-list.js';
import { InvalidPickError, SharedStrategyError, WorkerExistsError } from './errors.js';
import { resolveStrategy, type StrategySpec } from './resolve-strategy.js';
import type { ConnectionInfo, Strategy, WorkerId, WorkerView } from './strategy.js';
import {
  validateBoolean,
  validateFunction,
  validateInteger,
  validateLimit,
  validateObject,
} from './validate.js';

export interface DispatcherOptions<C> {
  /**
   * A strategy object (used as is), or anything else `strategyFactory` takes — a name, a pick function, a
   * class, a factory — resolved into a new instance for this dispatcher (with `resolveStrategy`).
   */
  strategy: StrategySpec;
  /**
   * Send `connection` to `worker`. Called synchronously from `route`, `settle` and the other calls that drain
   * the queue, after the hand-off is recorded as pending: answer it later with `settle`. If it throws, the
   * error propagates and the hand-off stays pending (settle it, or remove the worker).
   */
  handOff(worker: WorkerId, connection: C, info: ConnectionInfo): void;
  /** Drop `connection`: every worker refused it, or it reached `maxAttempts` refusals. */
  close(connection: C): void;
  /** Refusals after which a connection is closed (default Infinity: only when every current worker refused). */
  maxAttempts?: number;
}

export interface AddWorkerOptions {
  /** An integer from 1 to 1000 (default 1). */
  weight?: number;
  /** Whether the worker may be offered connections now (default true). */
  ready?: boolean;
}

/** The dispatcher's own record of a worker; strategies see it as a read-only `WorkerView`. */
class WorkerRecord<C> implements WorkerView {
  readonly id: WorkerId;
  readonly slot: number;
  readonly weight: number;
  pending = 0;
  connections = 0;
  requests = 0;
  ready: boolean;
  /** Hand-offs sent and not yet answered, in the order they were sent. */
  readonly handoffs = new ConnectionList<C>();

  constructor(id: WorkerId, slot: number, weight: number, ready: boolean) {
    this.id = id;
    this.slot = slot;
    this.weight = weight;
    this.ready = ready;
  }
}

export class Dispatcher<C> {
  readonly strategy: Strategy;
  readonly #handOff: (worker: WorkerId, connection: C, info: ConnectionInfo) => void;
  readonly #close: (connection: C) => void;
  readonly #maxAttempts: number;
  readonly #selective: boolean;
  readonly #queue = new ConnectionList<C>();
  /** Every worker, in the order they were added. */
  readonly #workers: WorkerRecord<C>[] = [];
  /** The ready workers, in the order they were added: what `pick` is offered for a connection nobody refused. */
  readonly #ready: WorkerRecord<C>[] = [];
  readonly #byId = new Map<WorkerId, WorkerRecord<C>>();
  readonly #bySlot: (WorkerRecord<C> | undefined)[] = [];
  /** Reused for the candidates of a connection some worker refused. */
  readonly #scratch: WorkerRecord<C>[] = [];
  #inFlight = 0;
  #draining = false;
  #drainAgain = false;

  constructor(options: DispatcherOptions<C>) {
    validateObject(options, 'options');
    validateFunction(options.handOff, 'options.handOff');
    validateFunction(options.close, 'options.close');
    const maxAttempts = options.maxAttempts ?? Number.POSITIVE_INFINITY;
    validateLimit(maxAttempts, 'options.maxAttempts', 1);
    const strategy = resolveStrategy(options.strategy);
    if (strategy.mode === 'shared') throw new SharedStrategyError();
    this.strategy = strategy;
    this.#handOff = options.handOff;
    this.#close = options.close;
    this.#maxAttempts = maxAttempts;
    this.#selective = strategy.selective === true;
  }

  /** Connections waiting for a worker. */
  get queued(): number {
    return this.#queue.length;
  }

  /** Hand-offs sent and not yet answered, over all workers. */
  get inFlight(): number {
    return this.#inFlight;
  }

  /** Every worker, in the order they were added (a live array: do not keep it across calls). */
  get workers(): readonly WorkerView[] {
    return this.#workers;
  }

  getWorker(id: WorkerId): WorkerView | undefined {
    return this.#byId.get(id);
  }

  /** The connections handed to `id` and not yet answered, in the order they were sent (a copy). */
  pendingFor(id: WorkerId): readonly C[] {
    return this.#byId.get(id)?.handoffs.toArray() ?? [];
  }

  addWorker(id: WorkerId, options: AddWorkerOptions = {}): void {
    validateInteger(id, 'id');
    validateObject(options, 'options');
    const weight = options.weight ?? 1;
    validateInteger(weight, 'options.weight', 1, 1000);
    const ready = options.ready ?? true;
    validateBoolean(ready, 'options.ready');
    if (this.#byId.has(id)) throw new WorkerExistsError(id);
    let slot = this.#bySlot.indexOf(undefined);
    if (slot === -1) slot = this.#bySlot.length;
    const worker = new WorkerRecord<C>(id, slot, weight, ready);
    this.#byId.set(id, worker);
    this.#bySlot[slot] = worker;
    this.#workers.push(worker);
    if (ready) this.#rebuildReady();
    this.strategy.join?.(worker);
    this.#drain();
  }

  /**
   * Forget a worker. Its unanswered hand-offs go back to the front of the queue, in order, and are re-routed
   * to the others — call this only once the worker can no longer accept them (its channel closed or it
   * exited), or a connection could be served twice. Returns false if the id is unknown.
   */
  removeWorker(id: WorkerId): boolean {
    const worker = this.#byId.get(id);
    if (worker === undefined) return false;
    this.#byId.delete(id);
    this.#bySlot[worker.slot] = undefined;
    this.#workers.splice(this.#workers.indexOf(worker), 1);
    if (worker.ready) this.#rebuildReady();
    worker.ready = false;
    const handoffs = worker.handoffs;
    this.#inFlight -= handoffs.length;
    for (let i = handoffs.length - 1; i >= 0; i--) {
      this.#queue.unshift(handoffs.connectionAt(i), handoffs.infoAt(i), handoffs.refusalsAt(i));
    }
    handoffs.takeAll();
    worker.pending = 0;
    this.strategy.leave?.(worker);
    this.#closeExhausted();
    this.#drain();
    return true;
  }

  /** Returns false if the id is unknown. */
  setReady(id: WorkerId, ready: boolean): boolean {
    validateBoolean(ready, 'ready');
    const worker = this.#byId.get(id);
    if (worker === undefined) return false;
    if (worker.ready === ready) return true;
    worker.ready = ready;
    this.#rebuildReady();
    this.strategy.readyChanged?.(worker);
    if (ready) this.#drain();
    return true;
  }

  /** Hand `connection` to the worker the strategy picks now, or queue it behind those already waiting. */
  route(connection: C, info: ConnectionInfo): void {
    this.#queue.push(connection, info, undefined);
    this.#drain();
  }

  /**
   * The worker answered a hand-off. Accepted: it counts as one of the worker's live connections. Refused: it
   * is re-routed to a worker that has not refused it yet — ahead of the queue, being older — and closed once
   * every current worker (or `maxAttempts` of them) refused it. Returns false, changing nothing, if `id` has
   * no such hand-off pending (say, the worker was removed and the connection re-routed meanwhile).
   */
  settle(id: WorkerId, connection: C, accepted: boolean): boolean {
    const worker = this.#byId.get(id);
    if (worker === undefined) return false;
    const handoffs = worker.handoffs;
    const index = handoffs.indexOf(connection);
    if (index === -1) return false;
    const info = handoffs.infoAt(index);
    let refusals = handoffs.refusalsAt(index);
    handoffs.removeAt(index);
    worker.pending--;
    this.#inFlight--;
    if (accepted) {
      worker.connections++;
    } else {
      if (refusals === undefined) refusals = [id];
      else refusals.push(id);
    }
    this.strategy.settled?.(worker, info, accepted);
    if (!accepted) {
      if (this.#exhausted(refusals as WorkerId[])) this.#close(connection);
      else this.#queue.unshift(connection, info, refusals);
    }
    this.#drain();
    return true;
  }

  /** A connection the worker accepted closed. Returns false if the id is unknown. */
  connectionClosed(id: WorkerId): boolean {
    const worker = this.#byId.get(id);
    if (worker === undefined) return false;
    if (worker.connections > 0) worker.connections--;
    this.strategy.connectionClosed?.(worker);
    this.#drain();
    return true;
  }

  /**
   * The worker's own counts replace the estimate: its totals, or its counts on this dispatcher's listen
   * socket (one `servers` entry of a `LoadReport`). Returns false if the id is unknown.
   */
  reportLoad(id: WorkerId, load: LoadCounts): boolean {
    validateObject(load, 'load');
    validateInteger(load.connections, 'load.connections', 0);
    validateInteger(load.requests, 'load.requests', 0);
    const worker = this.#byId.get(id);
    if (worker === undefined) return false;
    worker.connections = load.connections;
    worker.requests = load.requests;
    this.strategy.loadReported?.(worker);
    this.#drain();
    return true;
  }

  /**
   * The worker claims a routing key (see `Strategy.claimed`); the strategy decides what that means. Returns
   * false if the id is unknown.
   */
  claim(id: WorkerId, key: string): boolean {
    const worker = this.#byId.get(id);
    if (worker === undefined) return false;
    this.strategy.claimed?.(worker, key);
    return true;
  }

  /** Takes every queued connection out, in order (the listener is closing): the caller closes them. */
  drainAll(): C[] {
    return this.#queue.takeAll();
  }

  #rebuildReady(): void {
    const ready = this.#ready;
    ready.length = 0;
    for (const worker of this.#workers) if (worker.ready) ready.push(worker);
  }

  /** True when no current worker is left to try, or the connection reached `maxAttempts` refusals. */
  #exhausted(refusals: readonly WorkerId[]): boolean {
    if (refusals.length >= this.#maxAttempts) return true;
    for (const worker of this.#workers) if (!refusals.includes(worker.id)) return false;
    return true;
  }

  /** After a worker left, a queued connection every remaining worker refused has nowhere to go. */
  #closeExhausted(): void {
    const queue = this.#queue;
    for (let i = 0; i < queue.length; ) {
      const refusals = queue.refusalsAt(i);
      if (refusals !== undefined && this.#exhausted(refusals)) {
        const connection = queue.connectionAt(i);
        queue.removeAt(i);
        this.#close(connection);
      } else {
        i++;
      }
    }
  }

  #drain(): void {
    if (this.#draining) {
      // A callback re-entered (say, handOff settled synchronously): the running drain makes another pass.
      this.#drainAgain = true;
      return;
    }
    this.#draining = true;
    try {
      do {
        this.#drainAgain = false;
        this.#drainPass();
      } while (this.#drainAgain);
    } finally {
      this.#draining = false;
    }
  }

  #drainPass(): void {
    const queue = this.#queue;
    let index = 0;
    while (index < queue.length && this.#ready.length > 0) {
      const info = queue.infoAt(index);
      const refusals = queue.refusalsAt(index);
      const worker = this.#pick(info, refusals);
      if (worker === undefined) {
        // Strict FIFO stops at the first connection that must wait; a connection with its own candidates
        // (some refused it) or a selective strategy may let the ones behind it go first.
        if (this.#selective || refusals !== undefined) {
          index++;
          continue;
        }
        return;
      }
      const connection = queue.connectionAt(index);
      queue.removeAt(index);
      worker.handoffs.push(connection, info, refusals);
      worker.pending++;
      this.#inFlight++;
      this.#handOff(worker.id, connection, info);
    }
  }

  #pick(info: ConnectionInfo, refusals: Refusals): WorkerRecord<C> | undefined {
    let candidates = this.#ready;
    if (refusals !== undefined) {
      candidates = this.#scratch;
      candidates.length = 0;
      for (const worker of this.#ready) if (!refusals.includes(worker.id)) candidates.push(worker);
      if (candidates.length === 0) return undefined;
    }
    const picked = this.strategy.pick(info, candidates);
    // null is taken as "queue" too, for strategies written in JavaScript.
    if (picked === undefined || picked === null) return undefined;
    const worker = this.#bySlot[(picked as Partial<WorkerView>).slot as number];
    if (worker !== picked || !worker.ready || refusals?.includes(worker.id)) {
      throw new InvalidPickError(this.strategy.name, picked);
    }
    return worker;
  }
}
