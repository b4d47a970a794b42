// The primary side of node:cluster in user land: node:cluster's API, composed of a listen registry (keys and
// their handles) and one session per worker (process, wire link, extension channel), plus inspection.
import { EventEmitter } from 'node:events';
import type { LoadReport, WorkerMessage } from '@shoal/protocol';
import { createWorkerProcess } from './create-worker-process.js';
import { channels } from './diagnostics.js';
import { type Distribution, resolveDistribution } from './distribution.js';
import { errInvalidArgValue } from './errors.js';
import type { ClusterSnapshot, WorkerSnapshot } from './inspection.js';
import { ListenRegistry } from './listen-registry.js';
import { debugProcess } from './node-internals.js';
import {
  type EnvironmentPolicy,
  policyFromEnvironment,
  SCHED_NONE,
  SCHED_RR,
  type SchedulingPolicy,
} from './scheduling-policy.js';
import { type ClusterSettings, mergeSettings, validateSettings } from './settings.js';
import { Worker, type WorkerConstructor } from './worker.js';
import { WorkerSession } from './worker-session.js';

export interface ClusterPrimaryOptions {
  /**
   * Absolute path of Shoal's worker runtime preload (`@shoal/worker/preload`). The primary puts it into a
   * worker's execArgv only when a feature needs it: a strategy that reads load reports, or
   * `settings.workerRuntime: true`.
   */
  workerRuntime?: string;
}

/** node:cluster's primary events, plus Shoal's. */
export interface ClusterPrimaryEvents {
  fork: [worker: Worker];
  online: [worker: Worker];
  listening: [worker: Worker, address: ListeningAddress];
  disconnect: [worker: Worker];
  exit: [worker: Worker, code: number | null, signal: NodeJS.Signals | null];
  message: [worker: Worker, message: unknown, handle: unknown];
  setup: [settings: ClusterSettings];
  /** A worker's load report (Shoal's worker runtime sends them when a strategy needs load). */
  'shoal:load': [worker: Worker, load: LoadReport];
  /** A message from a worker was rejected (malformed, forged, unknown); without a listener it is a warning. */
  'shoal:protocolError': [worker: Worker, error: Error];
}

export interface ListeningAddress {
  addressType: unknown;
  address: unknown;
  port: unknown;
  fd: unknown;
}

export class ClusterPrimary extends EventEmitter<ClusterPrimaryEvents> {
  readonly isWorker = false;
  readonly isMaster = true;
  readonly isPrimary = true;
  readonly Worker: WorkerConstructor = Worker;
  readonly SCHED_NONE = SCHED_NONE;
  readonly SCHED_RR = SCHED_RR;
  workers: Record<number, Worker> = {};
  settings: ClusterSettings = {};
  schedulingPolicy: SchedulingPolicy;

  readonly #registry: ListenRegistry;
  readonly #sessions = new Map<number, WorkerSession>();
  readonly #allDisconnected = new EventEmitter();
  readonly #options: ClusterPrimaryOptions;
  readonly #environment: EnvironmentPolicy;
  /** Protocol errors already warned about, per worker and code: one warning each when nobody listens. */
  readonly #warned = new Set<string>();
  #distribution: Distribution | undefined;
  #nextId = 0;

  constructor(options: ClusterPrimaryOptions = {}) {
    super();
    this.#options = options;
    const fromEnvironment = policyFromEnvironment(process.env.NODE_CLUSTER_SCHED_POLICY, process.platform);
    this.schedulingPolicy = fromEnvironment.policy;
    this.#environment = fromEnvironment;
    this.#registry = new ListenRegistry({ weightOf: (id) => this.#weightOf(id) });
  }

  /** The name of the strategy in force for primary-distributed keys (frozen at the first setup or fork). */
  get strategy(): string {
    return this.#distribution?.name ?? 'round-robin';
  }

  setupPrimary = (options?: ClusterSettings): void => {
    validateSettings(options);
    // Wrapped now, so a worker's first listen on one already finds its address.
    if (options?.inheritedSockets !== undefined) this.#registry.inherit(options.inheritedSockets);
    const settings = mergeSettings(this.settings, options);
    // Resolved (and checked) before anything is kept: a bad strategy throws here again at the next call, and the
    // distribution is frozen only once it was accepted — nothing half-applies.
    const distribution =
      this.#distribution ??
      resolveDistribution(
        this.schedulingPolicy,
        this.#environment,
        settings.strategy,
        settings.strategyOptions,
      );
    if (settings.workerRuntime === false && distribution.readsHead) {
      // Its connections could only be closed: the bytes read in the primary need the runtime to reach the app.
      throw errInvalidArgValue(
        'options.workerRuntime',
        false,
        'must not be false with a strategy that routes by the start of each connection (routeBy)',
      );
    }
    this.settings = settings;
    if (this.#distribution === undefined) {
      this.#distribution = distribution;
      this.#registry.distribution = distribution;
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
    const session = new WorkerSession(worker, child, runtime !== undefined);
    this.#sessions.set(id, session);
    worker.on('message', (message: unknown, handle: unknown) =>
      this.emit('message', worker, message, handle),
    );
    child.once('exit', (code: number | null, signal: NodeJS.Signals | null) =>
      this.#onExit(session, code, signal),
    );
    child.once('disconnect', () => this.#onDisconnect(session));
    session.on('message', (message, handle) => this.#onMessage(session, message, handle));
    session.on('protocolError', (error, raw) => this.#reportProtocolError(worker, error, raw));
    session.on('socketCopy', (port, socket) => this.#registry.socketCopy(session, port, socket));
    session.on('reroute', (key, client, bytes, proxy) => this.#registry.reroute(key, client, bytes, proxy));
    // A worker runtime's claim of a routing key (a session it created) reaches every strategy it listens under.
    session.channel.handle('shoal.claim', (params) => {
      const key = (params as { key?: unknown } | null)?.key;
      if (typeof key !== 'string' || key.length === 0) return false;
      this.#registry.claim(id, key);
      return true;
    });
    session.channel.on('load', (load) => {
      this.#registry.reportLoad(id, load);
      this.emit('shoal:load', worker, load);
    });
    process.nextTick(() => {
      this.emit('fork', worker);
      if (channels.fork.hasSubscribers) channels.fork.publish({ worker });
    });
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

  /**
   * The primary's session for a worker (by object or id) while it lives: its extension channel (load, ready,
   * heartbeat, metrics, RPC — typed events and requests) and its wire link. Undefined once it exited.
   */
  sessionOf(worker: Worker | number): WorkerSession | undefined {
    return this.#sessions.get(typeof worker === 'number' ? worker : worker.id);
  }

  /** A snapshot of every listen key and every worker: plain data, safe to serialize. */
  inspect(): ClusterSnapshot {
    const keys = this.#registry.snapshot();
    const workers: WorkerSnapshot[] = [];
    for (const [id, session] of this.#sessions) {
      const worker = session.worker;
      workers.push({
        id,
        pid: worker.process.pid,
        state: worker.state,
        connected: worker.isConnected(),
        keys: keys.filter((key) => key.workers.includes(id)).map((key) => key.key),
        load: session.load,
        inFlight: session.link.awaiting,
        runtime: session.hasRuntime,
      });
    }
    return { strategy: this.strategy, keys, workers };
  }

  #weightOf(workerId: number): number | undefined {
    const weightOf = this.settings.weightOf;
    const worker = this.workers[workerId] ?? this.#sessions.get(workerId)?.worker;
    return weightOf === undefined || worker === undefined ? undefined : weightOf(worker);
  }

  /** The preload to give workers, when a feature needs Shoal's worker runtime. */
  #workerRuntimeFor(settings: ClusterSettings): string | undefined {
    const runtime = this.#options.workerRuntime;
    if (runtime === undefined || settings.workerRuntime === false) return undefined;
    return settings.workerRuntime === true || this.#distribution?.needsLoad === true ? runtime : undefined;
  }

  #onDebugEnabled(message: { cmd?: unknown }): void {
    if (message?.cmd !== 'NODE_DEBUG_ENABLED') return;
    for (const worker of Object.values(this.workers)) {
      if (worker.state === 'online' || worker.state === 'listening')
        debugProcess(worker.process.pid as number);
      else worker.once('online', () => debugProcess(worker.process.pid as number));
    }
  }

  #onMessage(session: WorkerSession, message: WorkerMessage, _handle: unknown): void {
    const worker = session.worker;
    switch (message.act) {
      case 'online':
        worker.state = 'online';
        worker.emit('online');
        this.emit('online', worker);
        if (channels.online.hasSubscribers) channels.online.publish({ worker });
        break;
      case 'queryServer': {
        if (worker.exitedAfterDisconnect) return; // already on its way out
        const ack = message.seq;
        const rejected = this.#registry.query(session, message, (fields, handle, onSent) =>
          session.link.send({ ...fields, ack }, handle, onSent),
        );
        if (rejected) this.#reportProtocolError(worker, rejected, message);
        break;
      }
      case 'listening': {
        const address = {
          addressType: message.addressType,
          address: message.address,
          port: message.port,
          fd: message.fd,
        };
        worker.state = 'listening';
        worker.emit('listening', address);
        this.emit('listening', worker, address);
        if (channels.listening.hasSubscribers) channels.listening.publish({ worker, address });
        break;
      }
      case 'close':
        this.#registry.close(session, message.key);
        break;
      case 'exitedAfterDisconnect':
        worker.exitedAfterDisconnect = true;
        session.link.send({ ack: message.seq });
        break;
      default:
        break;
    }
  }

  #reportProtocolError(worker: Worker, error: Error, raw: unknown): void {
    if (channels.protocolError.hasSubscribers) channels.protocolError.publish({ worker, error, raw });
    if (this.listenerCount('shoal:protocolError') > 0) {
      this.emit('shoal:protocolError', worker, error);
      return;
    }
    // Nobody listens: a forged or broken message must not go unnoticed, nor flood the log.
    const code = (error as { code?: unknown }).code ?? error.name;
    const seen = `${worker.id}:${String(code)}`;
    if (this.#warned.has(seen)) return;
    this.#warned.add(seen);
    process.emitWarning(
      `worker ${worker.id} (pid ${worker.process.pid}) sent a message the primary rejected: ${error.message}`,
      {
        code: 'SHOAL_WARN_PROTOCOL_ERROR',
        detail: 'Listen to cluster.on("shoal:protocolError") to handle these.',
      },
    );
  }

  #disconnectWorker(worker: Worker): void {
    worker.exitedAfterDisconnect = true;
    const session = this.#sessions.get(worker.id);
    session?.link.send({ act: 'disconnect' });
    if (session) this.#registry.removeMember(session);
    this.#removeWorker(worker);
  }

  #onExit(session: WorkerSession, code: number | null, signal: NodeJS.Signals | null): void {
    const worker = session.worker;
    if (!worker.isConnected()) {
      this.#registry.removeMember(session);
      this.#removeWorker(worker);
    }
    this.#sessions.delete(worker.id);
    worker.exitedAfterDisconnect = !!worker.exitedAfterDisconnect;
    worker.state = 'dead';
    worker.emit('exit', code, signal);
    this.emit('exit', worker, code, signal);
    if (channels.exit.hasSubscribers) channels.exit.publish({ worker, code, signal });
  }

  #onDisconnect(session: WorkerSession): void {
    const worker = session.worker;
    this.#registry.removeMember(session);
    if (worker.isDead()) this.#removeWorker(worker);
    worker.exitedAfterDisconnect = !!worker.exitedAfterDisconnect;
    worker.state = 'disconnected';
    worker.emit('disconnect');
    this.emit('disconnect', worker);
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
