// The driver: applies the pure decisions to a ClusterPrimary — forks a worker per slot, tracks readiness,
// heartbeats and memory, respawns with backoff, replaces hung workers, and runs reloads, scaling and shutdown.
import { EventEmitter } from 'node:events';
import { rm } from 'node:fs';
import type { ClusterPrimary, Worker } from '@shoal/primary';
import type { RpcParams, RpcResult } from '@shoal/protocol';
import { errOutOfRange } from '@shoal/protocol/node-errors';
import { stackSocketPath } from '@shoal/worker';
import {
  decideExit,
  initialMemoryState,
  initialRestartState,
  isHung,
  type MemoryState,
  overLimit,
  planScale,
  ReloadQueue,
  type SlotRestartState,
} from '../decisions/index.js';
import { takeHangStack } from './hang-stack.js';
import { type KillLadderOptions, type StopResult, stopWorker } from './kill-ladder.js';
import type { ResolvedOptions } from './options.js';
import { runReload } from './reload-runner.js';
import { SupervisedWorker } from './supervised-worker.js';
import type {
  BroadcastResult,
  ReloadReport,
  RpcCallOptions,
  RpcMethods,
  ShutdownReport,
  SupervisedWorkerSnapshot,
  SupervisorEvents,
  SupervisorSnapshot,
  WorkerMetrics,
} from './types.js';

/** One index 0..N-1: the worker serving it, and its restart history. */
interface Slot {
  readonly index: number;
  current: SupervisedWorker | undefined;
  /** A replacement started by a reload or a memory replacement, not serving yet. */
  incoming: SupervisedWorker | undefined;
  restart: SlotRestartState;
  restartTimer: NodeJS.Timeout | undefined;
  crashLooped: boolean;
  memory: MemoryState;
}

export class Supervisor<
  WorkerApi extends object = RpcMethods,
  PrimaryApi extends object = RpcMethods,
> extends EventEmitter<SupervisorEvents> {
  readonly primary: ClusterPrimary;
  readonly #options: ResolvedOptions;
  readonly #slots = new Map<number, Slot>();
  readonly #records = new Map<Worker, SupervisedWorker>();
  readonly #handlers = new Map<
    string,
    (params: unknown, context: { index: number; worker: Worker }) => unknown
  >();
  readonly #reloads = new ReloadQueue();
  /** Stops under way, per worker. */
  readonly #stopping = new Map<SupervisedWorker, Promise<StopResult>>();
  readonly #reloadResults = new Map<
    number,
    { promise: Promise<ReloadReport>; resolve: (r: ReloadReport) => void }
  >();
  /** Reloads, scaling and memory replacements run one at a time, in order. */
  #jobs: Promise<unknown> = Promise.resolve();
  #size: number;
  #shuttingDown = false;
  #shutdown: Promise<ShutdownReport> | undefined;
  #hangTimer: NodeJS.Timeout | undefined;
  readonly #random: () => number;

  constructor(primary: ClusterPrimary, options: ResolvedOptions, random: () => number = Math.random) {
    super();
    this.primary = primary;
    this.#options = options;
    this.#size = options.workers;
    this.#random = random;
    // Workers stay in the primary's session: a session of their own (`detached`) would put each in its own
    // scheduler autogroup on Linux, which cost 15-25 % of churn throughput here. The runtime ignores the terminal's
    // SIGINT/SIGHUP instead (SHOAL_TERMINAL_SIGNALS), so Ctrl-C still reaches only the primary's shutdown.
    primary.setupPrimary({ ...options.settings, workerRuntime: true });
    for (let index = 0; index < this.#size; index++) this.#spawn(this.#slot(index), false);
    if (options.heartbeatIntervalMs > 0) {
      this.#hangTimer = setInterval(() => this.#checkHangs(), Math.max(10, options.heartbeatIntervalMs / 2));
      this.#hangTimer.unref();
    }
  }

  /** Workers wanted. */
  get size(): number {
    return this.#size;
  }

  /** What a readiness probe should say: not shutting down, and at least one worker ready. */
  get ready(): boolean {
    if (this.#shuttingDown) return false;
    for (const slot of this.#slots.values()) if (slot.current?.state === 'ready') return true;
    return false;
  }

  /** Resolves once every slot has a ready worker (a crash-looped slot counts as settled); rejects at shutdown. */
  async whenReady(): Promise<void> {
    for (;;) {
      if (this.#shuttingDown) throw new Error('the supervisor is shutting down');
      const settled = [...this.#slots.values()].every(
        (slot) => slot.current?.state === 'ready' || slot.crashLooped,
      );
      if (settled) return;
      await this.#nextReady();
    }
  }

  snapshot(): SupervisorSnapshot {
    const workers: SupervisedWorkerSnapshot[] = [];
    const now = Date.now();
    for (const slot of [...this.#slots.values()].sort((a, b) => a.index - b.index)) {
      for (const record of [slot.current, slot.incoming]) {
        if (record === undefined) continue;
        const load = this.primary.sessionOf(record.worker)?.load;
        workers.push({
          index: slot.index,
          id: record.worker.id,
          pid: record.worker.process.pid,
          state: record.state,
          incoming: record.incoming,
          startedAt: record.startedAt,
          uptimeMs: now - record.startedAt,
          restarts: slot.restart.restarts,
          connections: load?.connections,
          requests: load?.requests,
          requestsPerSecond: record.requestsPerSecond,
          eventLoopDelayMs: numberOrUndefined(record.metrics?.eventLoopDelayMs),
          rss: numberOrUndefined(record.metrics?.rss),
          heapUsed: numberOrUndefined(record.metrics?.heapUsed),
          lastHeartbeatAt: record.lastHeartbeatAt,
        });
      }
    }
    return {
      size: this.#size,
      ready: this.ready,
      reloading: this.#reloads.running !== undefined,
      shuttingDown: this.#shuttingDown,
      crashLooped: [...this.#slots.values()].filter((slot) => slot.crashLooped).map((slot) => slot.index),
      workers,
    };
  }

  /**
   * Replaces every worker, `reloadBatch` at a time: each replacement is ready before the worker it replaces is
   * drained and stopped. A replacement that fails aborts the reload and the old workers keep serving. Reloads are
   * serialized: one requested while another runs starts after it (requests made meanwhile share that run).
   */
  reload(): Promise<ReloadReport> {
    if (this.#shuttingDown) return Promise.reject(new Error('the supervisor is shutting down'));
    const ticket = this.#reloads.request();
    let entry = this.#reloadResults.get(ticket.run);
    if (entry === undefined) {
      let resolve!: (report: ReloadReport) => void;
      const promise = new Promise<ReloadReport>((r) => {
        resolve = r;
      });
      entry = { promise, resolve };
      this.#reloadResults.set(ticket.run, entry);
      if (ticket.startNow) this.#startReload(ticket.run);
    }
    return entry.promise;
  }

  /** Grows or shrinks to `n` workers (shrinking drains the highest indices). Serialized with reloads. */
  scale(n: number): Promise<void> {
    if (!Number.isInteger(n) || n < 0) return Promise.reject(errOutOfRange('n', 'an integer >= 0', n));
    return this.#enqueue(async () => {
      if (this.#shuttingDown) return;
      const plan = planScale([...this.#slots.keys()], n);
      this.#size = n;
      const started = plan.start.map((index) => this.#spawn(this.#slot(index), false));
      const drained = plan.drain.map(async (index) => {
        const slot = this.#slots.get(index);
        if (slot === undefined) return;
        this.#slots.delete(index);
        if (slot.restartTimer) clearTimeout(slot.restartTimer);
        await Promise.all([slot.current, slot.incoming].map((record) => record && this.#stop(record)));
      });
      await Promise.allSettled([...started.map((record) => record.ready), ...drained]);
    });
  }

  /**
   * Graceful shutdown: readiness turns false, serving goes on for `shutdownDelayMs`, then every worker drains
   * and stops within `shutdownTimeoutMs`; what is left then is killed. Nothing respawns from here on.
   */
  shutdown(): Promise<ShutdownReport> {
    this.#shutdown ??= this.#runShutdown();
    return this.#shutdown;
  }

  /** Ends every worker now (SIGKILL): a second shutdown signal. */
  forceStop(): void {
    this.#shuttingDown = true;
    for (const record of this.#records.values()) {
      record.intended = true;
      if (record.alive) record.worker.process.kill('SIGKILL');
    }
  }

  /** Calls `method` on one worker (by index or Worker object). Rejects if it exits first or the call times out. */
  request<M extends keyof WorkerApi & string>(
    target: number | Worker,
    method: M,
    params?: RpcParams<WorkerApi, M>,
    options?: RpcCallOptions,
  ): Promise<RpcResult<WorkerApi, M>> {
    const record = typeof target === 'number' ? this.#slots.get(target)?.current : this.#records.get(target);
    const session = record && this.primary.sessionOf(record.worker);
    if (session === undefined)
      return Promise.reject(
        new Error(`no live worker ${typeof target === 'number' ? `at index ${target}` : ''}`),
      );
    return session.channel.request(method, params, options) as Promise<RpcResult<WorkerApi, M>>;
  }

  /** Calls `method` on every serving worker; one result per worker, errors included, never a rejection. */
  async broadcast<M extends keyof WorkerApi & string>(
    method: M,
    params?: RpcParams<WorkerApi, M>,
    options?: RpcCallOptions,
  ): Promise<BroadcastResult<RpcResult<WorkerApi, M>>[]> {
    const records = [...this.#slots.values()]
      .sort((a, b) => a.index - b.index)
      .flatMap((slot) => (slot.current ? [slot.current] : []));
    return Promise.all(
      records.map(async (record) => {
        const base = { index: record.index, workerId: record.worker.id };
        try {
          const value = await this.request(record.worker, method, params, options);
          return { ...base, ok: true as const, value };
        } catch (error) {
          return { ...base, ok: false as const, error: error as Error };
        }
      }),
    );
  }

  /** Answers `method` called by any worker (`request()` from `@shoal/worker`). Returns a function removing it. */
  handle<M extends keyof PrimaryApi & string>(
    method: M,
    handler: (
      params: RpcParams<PrimaryApi, M>,
      context: { index: number; worker: Worker },
    ) => RpcResult<PrimaryApi, M> | Promise<RpcResult<PrimaryApi, M>>,
  ): () => void {
    const wrapped = handler as (params: unknown, context: { index: number; worker: Worker }) => unknown;
    this.#handlers.set(method, wrapped);
    for (const record of this.#records.values()) this.#installHandler(record, method, wrapped);
    return () => {
      if (this.#handlers.get(method) === wrapped) this.#handlers.delete(method);
    };
  }

  // ---- slots and workers

  #slot(index: number): Slot {
    let slot = this.#slots.get(index);
    if (slot === undefined) {
      slot = {
        index,
        current: undefined,
        incoming: undefined,
        restart: initialRestartState,
        restartTimer: undefined,
        crashLooped: false,
        memory: initialMemoryState,
      };
      this.#slots.set(index, slot);
    }
    return slot;
  }

  /** Forks a worker for the slot: as its serving worker, or (`incoming`) as a replacement beside it. */
  #spawn(slot: Slot, incoming: boolean): SupervisedWorker {
    const options = this.#options;
    const worker = this.primary.fork({
      ...options.env,
      NODE_APP_INSTANCE: String(slot.index),
      SHOAL_WORKER_INDEX: String(slot.index),
      SHOAL_HEARTBEAT_MS: String(options.heartbeatIntervalMs),
      SHOAL_WATCHDOG: '1',
      SHOAL_TERMINAL_SIGNALS: 'primary',
    });
    const session = this.primary.sessionOf(worker);
    const record = new SupervisedWorker(slot.index, worker, session, Date.now(), incoming);
    this.#records.set(worker, record);
    if (incoming) slot.incoming = record;
    else slot.current = record;
    const onReady = (): void => {
      if (!record.markReady()) return;
      this.emit('worker-ready', record.info);
    };
    if (options.readiness === 'listening') worker.once('listening', onReady);
    else {
      session?.channel.on('ready', onReady);
      // PM2's convention: process.send('ready') once the app is warmed up.
      worker.on('message', (message: unknown) => {
        if (message === 'ready') onReady();
      });
    }
    session?.channel.on('heartbeat', () => {
      record.lastHeartbeatAt = Date.now();
    });
    session?.channel.on('metrics', (metrics) => this.#onMetrics(slot, record, metrics as WorkerMetrics));
    for (const [method, handler] of this.#handlers) this.#installHandler(record, method, handler);
    const readyTimer = setTimeout(() => {
      if (record.state !== 'starting') return;
      this.emit('start-timeout', record.info);
      record.failReady(`not ready within ${options.readyTimeoutMs} ms`);
      void this.#stop(record, { intended: false });
    }, options.readyTimeoutMs);
    readyTimer.unref();
    worker.process.once('exit', (code: number | null, signal: NodeJS.Signals | null) => {
      clearTimeout(readyTimer);
      this.#onExit(slot, record, code, signal);
    });
    // Deferred, so listeners attached right after supervise() hear about the first workers too.
    process.nextTick(() => this.emit('worker-start', record.info));
    return record;
  }

  #installHandler(
    record: SupervisedWorker,
    method: string,
    handler: (params: unknown, context: { index: number; worker: Worker }) => unknown,
  ): void {
    const channel = this.primary.sessionOf(record.worker)?.channel;
    if (channel === undefined) return;
    try {
      channel.handle(method, (params) => {
        const current = this.#handlers.get(method);
        if (current === undefined)
          throw Object.assign(new Error(`no handler for ${method}`), {
            code: 'SHOAL_ERR_RPC_UNKNOWN_METHOD',
          });
        return current(params, { index: record.index, worker: record.worker });
      });
    } catch {
      // Already installed on this channel: the lookup above always calls the newest handler.
    }
  }

  #onExit(slot: Slot, record: SupervisedWorker, code: number | null, signal: NodeJS.Signals | null): void {
    record.state = 'dead';
    // A worker killed by a signal cannot remove its watchdog's stack socket itself.
    const pid = record.worker.process.pid;
    if (pid !== undefined && process.platform !== 'win32')
      rm(stackSocketPath(pid), { force: true }, () => {});
    record.failReady(`exited (${signal ?? code}) before it was ready`);
    this.#records.delete(record.worker);
    const wasServing = slot.current === record;
    if (wasServing) slot.current = undefined;
    if (slot.incoming === record) slot.incoming = undefined;
    this.emit('worker-exit', record.info, { code, signal, intended: record.intended });
    // A replacement that dies is the reload's business (it aborts); only a serving worker is respawned, and not
    // while a replacement is on its way to take the slot over.
    if (!wasServing || this.#slots.get(slot.index) !== slot || slot.incoming !== undefined) return;
    const outcome = decideExit(
      slot.restart,
      {
        now: Date.now(),
        startedAt: record.startedAt,
        intended: record.intended,
        shuttingDown: this.#shuttingDown,
      },
      this.#options.restart,
      this.#random,
    );
    slot.restart = outcome.state;
    const decision = outcome.decision;
    if (decision.kind === 'restart') {
      this.emit('restart-scheduled', slot.index, decision.delayMs);
      slot.restartTimer = setTimeout(() => {
        slot.restartTimer = undefined;
        if (this.#shuttingDown || this.#slots.get(slot.index) !== slot || slot.current) return;
        this.#spawn(slot, false);
      }, decision.delayMs);
    } else if (decision.kind === 'crash-loop') {
      slot.crashLooped = true;
      this.emit('crash-loop', slot.index, decision.quickExits);
      const exitCode = this.#options.crashLoopExitCode;
      if (exitCode !== undefined) {
        void this.shutdown().then(() => {
          process.exitCode = exitCode;
          process.exit(exitCode);
        });
      }
    }
  }

  #onMetrics(slot: Slot, record: SupervisedWorker, metrics: WorkerMetrics): void {
    record.takeMetrics(metrics, Date.now());
    const limits = this.#options.memory;
    if (limits.maxRssBytes === Number.POSITIVE_INFINITY && limits.maxHeapBytes === Number.POSITIVE_INFINITY)
      return;
    if (record !== slot.current || record.state !== 'ready') return;
    const verdict = overLimit(
      slot.memory,
      { rss: numberOrZero(metrics.rss), heapUsed: numberOrZero(metrics.heapUsed) },
      limits,
    );
    slot.memory = verdict.state;
    if (!verdict.over || slot.incoming !== undefined) return;
    slot.memory = initialMemoryState;
    this.emit('memory-limit', record.info, metrics);
    void this.#enqueue(() => this.#replace(slot, record));
  }

  #checkHangs(): void {
    const now = Date.now();
    const { thresholdMs, graceMs } = this.#options.hang;
    for (const slot of this.#slots.values()) {
      for (const record of [slot.current, slot.incoming]) {
        if (record === undefined || record.hung || record.state === 'dead' || record.state === 'stopping')
          continue;
        // Before its first heartbeat a starting worker has a grace period; a ready one does not: its first
        // heartbeat is due one interval after it started, so silence counts from when it became ready.
        const facts =
          record.readyAt !== undefined && record.lastHeartbeatAt === undefined
            ? { now, startedAt: record.readyAt, lastHeartbeatAt: undefined, thresholdMs, graceMs: 0 }
            : {
                now,
                startedAt: record.startedAt,
                lastHeartbeatAt: record.lastHeartbeatAt,
                thresholdMs,
                graceMs,
              };
        if (!isHung(facts)) continue;
        record.hung = true;
        // Out of the serving states at once: a shutdown starting while the stack is taken must not try to drain it.
        record.state = 'stopping';
        const silentMs = now - (record.lastHeartbeatAt ?? record.readyAt ?? record.startedAt);
        // The stack first (HANG_STACK_TIMEOUT_MS at most): a killed worker has none to give.
        void takeHangStack(record)
          .then((stack) => this.emit('hang', record.info, { silentMs, ...stack }))
          // A hung worker cannot drain: stop it at once (its unanswered hand-offs go to the others) and let the
          // exit respawn the slot right away, without backoff.
          .then(() => this.#stop(record, { intended: slot.current !== record, hung: true }))
          .then(() => {
            // A replacement already on its way (a reload, a memory replacement) takes the slot over instead.
            const vacant = slot.current === undefined && slot.incoming === undefined && !slot.crashLooped;
            if (vacant && !this.#shuttingDown && this.#slots.get(slot.index) === slot) {
              if (slot.restartTimer) clearTimeout(slot.restartTimer);
              slot.restartTimer = undefined;
              this.#spawn(slot, false);
            }
          });
      }
    }
  }

  /** Starts a replacement beside `record`, and drains `record` once the replacement is ready. */
  async #replace(slot: Slot, record: SupervisedWorker): Promise<boolean> {
    if (this.#shuttingDown || slot.current !== record) return false;
    const incoming = this.#spawn(slot, true);
    try {
      await incoming.ready;
    } catch {
      await this.#stop(incoming, { intended: true });
      // The old one died meanwhile (its exit did not respawn the slot, a replacement was coming): start one now.
      if (slot.current === undefined && !this.#shuttingDown && this.#slots.get(slot.index) === slot)
        this.#spawn(slot, false);
      return false;
    }
    this.#promote(slot, incoming);
    await this.#stop(record, { intended: true });
    return true;
  }

  /** The replacement takes over its slot. */
  #promote(slot: Slot, incoming: SupervisedWorker): void {
    const old = slot.current;
    if (old) old.intended = true;
    incoming.incoming = false;
    slot.incoming = undefined;
    slot.current = incoming;
  }

  /**
   * Stops a worker through the kill ladder. A stop already under way for it is shared (two stops at once would
   * disconnect it twice); only a hung one escalates, since its stop skips straight to the signals.
   */
  #stop(
    record: SupervisedWorker,
    how: { intended?: boolean; hung?: boolean; ladder?: KillLadderOptions } = {},
  ): Promise<StopResult> {
    if (how.intended !== false) record.intended = true;
    if (record.state === 'dead')
      return Promise.resolve({ code: null, signal: null, step: 'already-exited', leftOpen: undefined });
    const running = this.#stopping.get(record);
    if (running !== undefined && how.hung !== true) return running;
    record.state = how.hung ? 'stopping' : 'draining';
    const options = this.#options;
    const stop = stopWorker(
      record.worker,
      this.primary.sessionOf(record.worker),
      how.ladder ?? {
        drainTimeoutMs: options.drainTimeoutMs,
        disconnectTimeoutMs: options.disconnectTimeoutMs,
        termTimeoutMs: options.termTimeoutMs,
      },
      how.hung === true,
    );
    this.#stopping.set(record, stop);
    void stop.finally(() => {
      if (this.#stopping.get(record) === stop) this.#stopping.delete(record);
    });
    return stop;
  }

  #enqueue<T>(job: () => Promise<T>): Promise<T> {
    const run = this.#jobs.then(job, job);
    this.#jobs = run.catch(() => {});
    return run;
  }

  /** Resolves when any worker next becomes ready (or exits). */
  #nextReady(): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        this.off('worker-ready', done);
        this.off('worker-exit', done);
        this.off('crash-loop', done);
        resolve();
      };
      this.on('worker-ready', done);
      this.on('worker-exit', done);
      this.on('crash-loop', done);
    });
  }

  // ---- reload

  #startReload(run: number): void {
    void this.#enqueue(async () => {
      // A reload asked for while workers still start (an edit under --watch, say) replaces them once they are up,
      // instead of reloading nothing.
      await this.whenReady().catch(() => {});
      const started = Date.now();
      this.emit('reload-start');
      const report = await runReload(this.#reloadTarget(), this.#options.reloadBatch, started);
      this.emit('reload-end', report);
      this.#reloadResults.get(run)?.resolve(report);
      this.#reloadResults.delete(run);
      const next = this.#reloads.finish(run);
      if (next !== undefined) this.#startReload(next);
    });
  }

  /** What the reload runner may do to this supervisor's slots. */
  #reloadTarget() {
    return {
      slots: () =>
        [...this.#slots.values()]
          .filter((slot) => slot.current !== undefined && slot.current.state === 'ready')
          .map((slot) => slot.index)
          .sort((a, b) => a - b),
      current: (index: number) => this.#slots.get(index)?.current,
      startReplacement: (index: number) => this.#spawn(this.#slot(index), true),
      promote: (index: number, incoming: SupervisedWorker) => this.#promote(this.#slot(index), incoming),
      stop: (record: SupervisedWorker) => this.#stop(record, { intended: true }),
      respawn: (index: number) => {
        const slot = this.#slots.get(index);
        if (slot && !slot.current && !this.#shuttingDown) this.#spawn(slot, false);
      },
      shuttingDown: () => this.#shuttingDown,
    };
  }

  // ---- shutdown

  async #runShutdown(): Promise<ShutdownReport> {
    const started = Date.now();
    this.#shuttingDown = true;
    this.emit('shutdown-start');
    if (this.#hangTimer) clearInterval(this.#hangTimer);
    for (const slot of this.#slots.values()) {
      if (slot.restartTimer) clearTimeout(slot.restartTimer);
      slot.restartTimer = undefined;
    }
    const options = this.#options;
    if (options.shutdownDelayMs > 0) await delay(options.shutdownDelayMs);
    const budget = Math.max(0, options.shutdownTimeoutMs - (Date.now() - started));
    const records = [...this.#records.values()].filter((record) => record.alive);
    let graceful = 0;
    let forced = 0;
    const stops = records.map(async (record) => {
      // A stop already under way (a reload's, a hung worker's) is shared; the budget's end kills what is left.
      const result = await this.#stop(record, {
        intended: true,
        ladder: {
          // The drain and the disconnect share the budget.
          drainTimeoutMs: Math.min(options.drainTimeoutMs, Math.floor(budget * 0.8)),
          // After the delay the load balancer has stopped sending: idle keep-alive connections would only keep
          // the drain waiting for the server's keep-alive timeout.
          closeIdle: options.shutdownDelayMs > 0,
          disconnectTimeoutMs: Math.max(1, Math.floor(budget * 0.2)),
          termTimeoutMs: options.termTimeoutMs,
        },
      });
      if (result.step === 'disconnect' || result.step === 'already-exited') graceful++;
      else forced++;
    });
    const all = Promise.all(stops);
    const timer = new Promise<'late'>((resolve) => setTimeout(resolve, budget, 'late').unref());
    if ((await Promise.race([all, timer])) === 'late') {
      // The budget (a Kubernetes grace period) is spent: the rest goes now, before the kubelet's SIGKILL would.
      for (const record of records) if (record.alive) record.worker.process.kill('SIGKILL');
      await all;
    }
    const report = { durationMs: Date.now() - started, graceful, forced };
    this.emit('shutdown-end', report);
    return report;
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function numberOrUndefined(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function numberOrZero(value: unknown): number {
  return numberOrUndefined(value) ?? 0;
}
