// The primary side of node:cluster in user land: forks workers, answers their cluster messages, owns listen handles.
import type { ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { constants } from 'node:os';
import path from 'node:path';
import {
  type CloseMessage,
  ExtensionChannel,
  isClusterMessage,
  type ListeningMessage,
  type LoadReport,
  parseWorkerMessage,
  type QueryServerMessage,
} from '@shoal/protocol';
import { resolveStrategy, type Strategy, type StrategyFunction } from '@shoal/scheduler';
import { type bindReusePort, reusePortSupport } from './bind-reuseport-handle.js';
import { childTransport } from './child-transport.js';
import { createWorkerProcess } from './create-worker-process.js';
import { errInternalAssertion } from './errors.js';
import { ReusePortHandle } from './reuseport-handle.js';
import { RoundRobinHandle } from './round-robin-handle.js';
import {
  type EnvironmentPolicy,
  policyFromEnvironment,
  SCHED_NONE,
  SCHED_RR,
  type SchedulingPolicy,
} from './scheduling-policy.js';
import type { ServerHandle } from './server-handle.js';
import { type ClusterSettings, mergeSettings } from './settings.js';
import { SharedHandle } from './shared-handle.js';
import { Worker, type WorkerConstructor } from './worker.js';
import { WorkerLink } from './worker-link.js';

export interface ClusterPrimaryOptions {
  /**
   * Absolute path of Shoal's worker runtime preload (`@shoal/worker/preload`). The primary puts it into a
   * worker's execArgv only when a feature needs it: a load-aware strategy, or `settings.workerRuntime: true`.
   */
  workerRuntime?: string;
}

export type StrategySpec = string | Strategy | StrategyFunction;

/** Where the frozen policy sends a key: the primary distributes with a strategy, or the kernel does. */
type Distribution =
  | { kind: 'primary'; spec: StrategySpec }
  | { kind: 'shared' }
  | { kind: 'reuseport'; bind: typeof bindReusePort };

export class ClusterPrimary extends EventEmitter {
  readonly isWorker = false;
  readonly isMaster = true;
  readonly isPrimary = true;
  readonly Worker: WorkerConstructor = Worker;
  readonly SCHED_NONE = SCHED_NONE;
  readonly SCHED_RR = SCHED_RR;
  workers: Record<number, Worker> = {};
  settings: ClusterSettings = {};
  schedulingPolicy: SchedulingPolicy;

  readonly #handles = new Map<string, ServerHandle>();
  readonly #links = new WeakMap<Worker, WorkerLink>();
  readonly #allDisconnected = new EventEmitter();
  readonly #options: ClusterPrimaryOptions;
  #initialized = false;
  #nextId = 0;
  #distribution: Distribution | undefined;
  #strategyName = 'round-robin';
  readonly #environment: EnvironmentPolicy;

  constructor(options: ClusterPrimaryOptions = {}) {
    super();
    this.#options = options;
    const fromEnvironment = policyFromEnvironment(process.env.NODE_CLUSTER_SCHED_POLICY, process.platform);
    this.schedulingPolicy = fromEnvironment.policy;
    this.#environment = fromEnvironment;
  }

  /** The name of the strategy in force for primary-distributed keys (frozen at the first setup or fork). */
  get strategy(): string {
    return this.#strategyName;
  }

  setupPrimary = (options?: ClusterSettings): void => {
    const settings = mergeSettings(this.settings, options);
    this.settings = settings;
    if (!this.#initialized) {
      // Frozen only once it succeeded: a bad strategy throws here again at the next call, never half-applies.
      this.#distribution = this.#freezePolicy(settings);
      this.#initialized = true;
      process.on('internalMessage', (message: { cmd?: unknown }) => this.#onDebugEnabled(message));
    }
    process.nextTick(() => this.emit('setup', settings));
  };

  setupMaster = this.setupPrimary;

  fork = (env?: NodeJS.ProcessEnv): Worker => {
    this.setupPrimary();
    const id = ++this.#nextId;
    const runtime = this.#workerRuntimeFor(this.settings);
    const child = createWorkerProcess({
      id,
      settings: this.settings,
      env,
      preloads: runtime ? [runtime] : [],
    });
    const worker = new Worker({ id, process: child }, (w) => this.#disconnectWorker(w));
    const link = new WorkerLink(child);
    this.#links.set(worker, link);
    worker.on('message', (message: unknown, handle: unknown) =>
      this.emit('message', worker, message, handle),
    );
    child.once('exit', (code: number | null, signal: NodeJS.Signals | null) =>
      this.#onExit(worker, code, signal),
    );
    child.once('disconnect', () => this.#onDisconnect(worker));
    child.on('internalMessage', (message: unknown, handle: unknown) =>
      this.#onInternalMessage(worker, link, message, handle),
    );
    if (runtime) this.#openExtensionChannel(worker, child);
    process.nextTick(() => this.emit('fork', worker));
    this.workers[id] = worker;
    return worker;
  };

  disconnect = (callback?: () => void): void => {
    const workers = Object.values(this.workers);
    if (workers.length === 0) {
      process.nextTick(() => this.#allDisconnected.emit('disconnect'));
    } else {
      for (const worker of workers) {
        if (worker.isConnected()) worker.disconnect();
      }
    }
    if (typeof callback === 'function') this.#allDisconnected.once('disconnect', callback);
  };

  #freezePolicy(settings: ClusterSettings): Distribution {
    const policy = this.schedulingPolicy;
    const fromEnvironment = policy === this.#environment.policy ? this.#environment.strategy : undefined;
    const chosen = (settings.strategy as StrategySpec | undefined) ?? fromEnvironment ?? policy;
    let spec: StrategySpec;
    if (chosen === SCHED_RR) spec = 'round-robin';
    else if (chosen === SCHED_NONE) spec = 'shared';
    else if (typeof chosen === 'string' || typeof chosen === 'function' || isStrategyObject(chosen))
      spec = chosen;
    else throw errInternalAssertion(`Bad cluster.schedulingPolicy: ${String(policy)}`);
    if (this.#environment.unknown !== undefined && fromEnvironment === undefined && chosen === policy) {
      process.emitWarning(
        `NODE_CLUSTER_SCHED_POLICY=${this.#environment.unknown} names no policy or strategy; using the default`,
        { code: 'SHOAL_WARN_UNKNOWN_SCHED_POLICY' },
      );
    }
    // Resolving once here reports an unknown name at setup, not at the first listen.
    const probe = resolveStrategy(spec);
    this.#strategyName = probe.name;
    if (probe.mode === 'shared') return { kind: 'shared' };
    if (probe.mode === 'reuseport') {
      const support = reusePortSupport();
      if (support.ok) return { kind: 'reuseport', bind: support.bind };
      process.emitWarning(`reuseport is unavailable (${support.reason}); using round-robin`, {
        code: 'SHOAL_WARN_REUSEPORT_UNAVAILABLE',
      });
      this.#strategyName = 'round-robin';
      return { kind: 'primary', spec: 'round-robin' };
    }
    return { kind: 'primary', spec };
  }

  /** The preload to give workers, when a feature needs Shoal's worker runtime. */
  #workerRuntimeFor(settings: ClusterSettings): string | undefined {
    const runtime = this.#options.workerRuntime;
    if (runtime === undefined || settings.workerRuntime === false) return undefined;
    const loadAware = this.#distribution?.kind === 'primary' && this.#strategyName !== 'round-robin';
    return settings.workerRuntime === true || loadAware ? runtime : undefined;
  }

  #openExtensionChannel(worker: Worker, child: ChildProcess): void {
    const channel = new ExtensionChannel(childTransport(child), { role: 'primary', features: ['load'] });
    channel.on('load', (load: LoadReport) => {
      for (const handle of this.#handles.values()) handle.reportLoad?.(worker.id, load);
      this.emit('shoal:load', worker, load);
    });
    channel.on('protocolError', (error: Error) => this.emit('shoal:protocolError', worker, error));
    channel.start();
  }

  #onDebugEnabled(message: { cmd?: unknown }): void {
    if (message?.cmd !== 'NODE_DEBUG_ENABLED') return;
    const debugProcess = (process as unknown as { _debugProcess(pid: number): void })._debugProcess;
    for (const worker of Object.values(this.workers)) {
      if (worker.state === 'online' || worker.state === 'listening')
        debugProcess(worker.process.pid as number);
      else worker.once('online', () => debugProcess(worker.process.pid as number));
    }
  }

  #onInternalMessage(worker: Worker, link: WorkerLink, message: unknown, handle: unknown): void {
    // Shoal's extension messages have their own channel; anything else is not the cluster's business.
    if (!isClusterMessage(message)) return;
    if (link.deliverReply(message as { ack?: unknown }, handle)) return;
    const parsed = parseWorkerMessage(message);
    if (!parsed.ok) {
      const seq = (message as { act?: unknown; seq?: unknown }).seq;
      // A listen must not hang for want of an answer: refuse what cannot be read.
      if ((message as { act?: unknown }).act === 'queryServer' && typeof seq === 'number') {
        link.send({ errno: UV_EINVAL, key: '', ack: seq, data: null });
      }
      this.emit('shoal:protocolError', worker, parsed.error);
      return;
    }
    const received = parsed.message;
    switch (received.act) {
      case 'online':
        worker.state = 'online';
        worker.emit('online');
        this.emit('online', worker);
        break;
      case 'queryServer':
        this.#onQueryServer(worker, link, received);
        break;
      case 'listening':
        this.#onListening(worker, received);
        break;
      case 'close':
        this.#onClose(worker, received);
        break;
      case 'exitedAfterDisconnect':
        worker.exitedAfterDisconnect = true;
        link.send({ ack: received.seq });
        break;
      default:
        break;
    }
  }

  #onQueryServer(worker: Worker, link: WorkerLink, query: QueryServerMessage): void {
    if (worker.exitedAfterDisconnect) return; // already on its way out
    const key = handleKey(query);
    let handle = this.#handles.get(key);
    if (handle?.has(worker)) {
      // The worker listens twice on one address: the second listen is refused, as the bind would be.
      link.send({ errno: UV_EADDRINUSE, key, ack: query.seq, data: handle.data });
      return;
    }
    if (handle === undefined) {
      try {
        handle = this.#createHandle(key, query);
      } catch {
        // A request Node's own primary would choke on (a forged port, say): refuse it, stay up.
        link.send({ errno: UV_EINVAL, key, ack: query.seq, data: null });
        return;
      }
      this.#handles.set(key, handle);
    }
    if (!handle.data) handle.data = query.data;
    const owner = handle;
    owner.add(worker, link, (errno, reply, sharedHandle) => {
      // A failed bind is forgotten so that another worker's query can try again.
      if (errno && this.#handles.get(key) === owner) this.#handles.delete(key);
      link.send({ errno, key, ack: query.seq, data: owner.data, ...reply }, sharedHandle ?? undefined);
    });
  }

  #createHandle(key: string, query: QueryServerMessage): ServerHandle {
    let address = query.address;
    if (
      query.port !== null &&
      query.port < 0 &&
      typeof address === 'string' &&
      process.platform !== 'win32'
    ) {
      // Unix socket paths are limited to ~100 bytes: use the shorter of the relative and absolute forms.
      const relative = path.relative(process.cwd(), address);
      if (relative.length < address.length) address = relative;
    }
    const distribution = this.#distribution ?? { kind: 'shared' };
    const udp = query.addressType === 'udp4' || query.addressType === 'udp6';
    if (distribution.kind === 'shared' || udp) return new SharedHandle(key, address, query);
    const onClosedLate = (): void => {
      // It closed after the remove() call that emptied it, once a retiring worker answered its last hand-off.
      if (this.#handles.get(key) === handle) this.#handles.delete(key);
    };
    let handle: ServerHandle;
    const tcp =
      (query.addressType === 4 || query.addressType === 6) && query.port !== null && query.fd === undefined;
    if (distribution.kind === 'reuseport' && tcp) {
      handle = new ReusePortHandle(
        key,
        address,
        query,
        resolveStrategy('reuseport'),
        distribution.bind,
        onClosedLate,
      );
    } else {
      const spec = distribution.kind === 'primary' ? distribution.spec : 'round-robin';
      handle = new RoundRobinHandle(key, address, query, resolveStrategy(spec), onClosedLate);
    }
    return handle;
  }

  #onListening(worker: Worker, message: ListeningMessage): void {
    const address = {
      addressType: message.addressType,
      address: message.address,
      port: message.port,
      fd: message.fd,
    };
    worker.state = 'listening';
    worker.emit('listening', address);
    this.emit('listening', worker, address);
  }

  #onClose(worker: Worker, message: CloseMessage): void {
    const handle = this.#handles.get(message.key);
    if (handle?.remove(worker)) this.#handles.delete(message.key);
  }

  #disconnectWorker(worker: Worker): void {
    worker.exitedAfterDisconnect = true;
    this.#links.get(worker)?.send({ act: 'disconnect' });
    this.#removeHandlesFor(worker);
    this.#removeWorker(worker);
  }

  #onExit(worker: Worker, code: number | null, signal: NodeJS.Signals | null): void {
    if (!worker.isConnected()) {
      this.#removeHandlesFor(worker);
      this.#removeWorker(worker);
    }
    worker.exitedAfterDisconnect = !!worker.exitedAfterDisconnect;
    worker.state = 'dead';
    worker.emit('exit', code, signal);
    this.emit('exit', worker, code, signal);
  }

  #onDisconnect(worker: Worker): void {
    this.#links.get(worker)?.clear();
    this.#removeHandlesFor(worker);
    if (worker.isDead()) this.#removeWorker(worker);
    worker.exitedAfterDisconnect = !!worker.exitedAfterDisconnect;
    worker.state = 'disconnected';
    worker.emit('disconnect');
    this.emit('disconnect', worker);
  }

  #removeHandlesFor(worker: Worker): void {
    for (const [key, handle] of this.#handles) {
      if (handle.remove(worker)) this.#handles.delete(key);
    }
  }

  // Called again at exit/disconnect after an explicit disconnect(): that repeat is what lets a
  // cluster.disconnect(callback) registered after the last removal still be called, as in Node.
  #removeWorker(worker: Worker): void {
    delete this.workers[worker.id];
    if (Object.keys(this.workers).length === 0) {
      this.#allDisconnected.emit('disconnect');
    }
  }
}

const nodeMajor = Number(process.versions.node.split('.')[0]);
const UV_EADDRINUSE = -constants.errno.EADDRINUSE;
const UV_EINVAL = -constants.errno.EINVAL;

/**
 * The registry key of a listen request. Node 20 keys by the per-worker listen index too; Node 22+ drops the
 * index unless the port is 0, so one worker can close a server and listen on its port again (nodejs/node#60141).
 */
function handleKey(query: QueryServerMessage): string {
  const base = `${query.address}:${query.port}:${query.addressType}:${query.fd}`;
  return nodeMajor < 22 || query.port === 0 ? `${base}:${query.index}` : base;
}

function isStrategyObject(value: unknown): value is Strategy {
  return typeof value === 'object' && value !== null && typeof (value as Strategy).pick === 'function';
}
