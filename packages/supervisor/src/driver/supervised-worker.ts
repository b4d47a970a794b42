// One worker process under supervision: its slot index, lifecycle state, readiness and latest heartbeat/metrics.
import type { Worker, WorkerSession } from '@shoal/primary';
import type { WorkerInfo, WorkerLifecycle, WorkerMetrics } from './types.js';

export class SupervisedWorker {
  readonly index: number;
  readonly worker: Worker;
  readonly session: WorkerSession | undefined;
  readonly startedAt: number;
  state: WorkerLifecycle = 'starting';
  /** Started by a reload or a replacement, not yet serving in its slot's place. */
  incoming: boolean;
  /** The supervisor stops it on purpose (reload, scale-down, replacement, shutdown): no respawn for its exit. */
  intended = false;
  hung = false;
  lastHeartbeatAt: number | undefined = undefined;
  /** When it became ready (Date.now()). */
  readyAt: number | undefined = undefined;
  metrics: WorkerMetrics | undefined = undefined;
  /** HTTP requests per second between its last two metrics reports (undefined before two). */
  requestsPerSecond: number | undefined = undefined;
  #lastRequests: { total: number; at: number } | undefined;
  /** Resolves when it becomes ready; rejects (with the reason) if it exits or times out first. */
  readonly ready: Promise<void>;
  #resolveReady!: () => void;
  #rejectReady!: (error: Error) => void;
  #settled = false;

  constructor(
    index: number,
    worker: Worker,
    session: WorkerSession | undefined,
    now: number,
    incoming: boolean,
  ) {
    this.index = index;
    this.worker = worker;
    this.session = session;
    this.startedAt = now;
    this.incoming = incoming;
    this.ready = new Promise<void>((resolve, reject) => {
      this.#resolveReady = resolve;
      this.#rejectReady = reject;
    });
    // Nobody may be waiting (a plain respawn): a failed start must not become an unhandled rejection.
    this.ready.catch(() => {});
  }

  /** Takes a metrics report in, and derives the request rate from its running count of requests. */
  takeMetrics(metrics: WorkerMetrics, now: number): void {
    this.metrics = metrics;
    const total = metrics.requestsTotal;
    if (typeof total !== 'number' || !Number.isFinite(total)) return;
    const last = this.#lastRequests;
    if (last !== undefined && now > last.at && total >= last.total)
      this.requestsPerSecond = ((total - last.total) * 1000) / (now - last.at);
    this.#lastRequests = { total, at: now };
  }

  get info(): WorkerInfo {
    return { index: this.index, worker: this.worker, pid: this.worker.process.pid };
  }

  get alive(): boolean {
    return this.state !== 'dead';
  }

  /** True the first time (it was starting and is ready now). */
  markReady(): boolean {
    if (this.#settled || this.state !== 'starting') return false;
    this.#settled = true;
    this.state = 'ready';
    this.readyAt = Date.now();
    this.#resolveReady();
    return true;
  }

  failReady(reason: string): void {
    if (this.#settled) return;
    this.#settled = true;
    this.#rejectReady(new Error(reason));
  }
}
