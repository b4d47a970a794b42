// The primary's handle on one worker process: Node's `Worker` API (send, kill, disconnect, state, events).
import type { ChildProcess, MessageOptions, SendHandle, Serializable } from 'node:child_process';
import { EventEmitter } from 'node:events';

export type WorkerState = 'none' | 'online' | 'listening' | 'disconnected' | 'dead';

export interface WorkerOptions {
  id?: number;
  process?: ChildProcess;
  state?: WorkerState;
}

/** What the primary does when `worker.disconnect()` is called; set by the primary that owns the worker. */
export type DisconnectRequest = (worker: Worker) => void;

export class ClusterWorker extends EventEmitter {
  /** True once the worker was asked to go (disconnect), false after an unplanned exit, undefined before. */
  exitedAfterDisconnect: boolean | undefined = undefined;
  state: WorkerState;
  readonly id: number;
  readonly process: ChildProcess;
  #onDisconnectRequest: DisconnectRequest | undefined;

  constructor(options?: WorkerOptions, onDisconnectRequest?: DisconnectRequest) {
    super();
    const given: WorkerOptions = typeof options === 'object' && options !== null ? options : {};
    this.id = (given.id ?? 0) | 0;
    this.state = given.state ?? 'none';
    // Node's Worker may be built without a process (cluster.Worker is public); such a worker is inert.
    this.process = given.process as ChildProcess;
    this.#onDisconnectRequest = onDisconnectRequest;
    if (given.process) {
      given.process.on('error', (error: Error) => this.emit('error', error));
      given.process.on('message', (message: unknown, handle: unknown) =>
        this.emit('message', message, handle),
      );
    }
  }

  send(
    message: Serializable,
    sendHandle?: SendHandle | ((error: Error | null) => void),
    options?: MessageOptions | ((error: Error | null) => void),
    callback?: (error: Error | null) => void,
  ): boolean;
  send(...args: unknown[]): boolean {
    // Straight through, arguments as given, as Node's Worker does.
    return (this.process.send as (...args: unknown[]) => boolean).apply(this.process, args);
  }

  /** Signals the process (SIGTERM by default); in the primary this does not disconnect first, as in Node. */
  kill(signal?: NodeJS.Signals | number): void {
    this.destroy(signal);
  }

  destroy(signal?: NodeJS.Signals | number): void {
    // Any falsy signal (0, '', null) means SIGTERM, as in Node.
    this.process.kill(signal || 'SIGTERM');
  }

  /** Asks the worker to close its servers and then its IPC channel. */
  disconnect(): this {
    this.#onDisconnectRequest?.(this);
    return this;
  }

  isConnected(): boolean {
    return this.process.connected;
  }

  isDead(): boolean {
    return this.process.exitCode != null || this.process.signalCode != null;
  }
}

/** Node's `cluster.Worker` also works when called without `new`, so the class is callable too. */
export interface WorkerConstructor {
  new (options?: WorkerOptions, onDisconnectRequest?: DisconnectRequest): ClusterWorker;
  (options?: WorkerOptions): ClusterWorker;
  readonly prototype: ClusterWorker;
}

export const Worker: WorkerConstructor = new Proxy(ClusterWorker, {
  apply(target, _thisArg, args: [WorkerOptions?, DisconnectRequest?]) {
    return Reflect.construct(target, args);
  },
}) as unknown as WorkerConstructor;
export type Worker = ClusterWorker;
