// The supervisor's public shapes: worker states, snapshots, events, reports and RPC typing.
import type { Worker } from '@shoal/primary';

/** A supervised worker's life: starting → ready → draining → stopping → dead. */
export type WorkerLifecycle = 'starting' | 'ready' | 'draining' | 'stopping' | 'dead';

export interface WorkerMetrics {
  rss?: number;
  heapUsed?: number;
  heapTotal?: number;
  external?: number;
  eventLoopDelayMs?: number;
  eventLoopUtilization?: number;
  uptimeMs?: number;
  /** HTTP requests started since the worker started. */
  requestsTotal?: number;
  [metric: string]: unknown;
}

export interface SupervisedWorkerSnapshot {
  /** The stable index 0..N-1 (also the worker's NODE_APP_INSTANCE), inherited by its replacement. */
  index: number;
  id: number;
  pid: number | undefined;
  state: WorkerLifecycle;
  /** True for the replacement started by a reload, until it takes over. */
  incoming: boolean;
  startedAt: number;
  uptimeMs: number;
  /** Restarts of this index so far (unplanned exits replaced). */
  restarts: number;
  connections: number | undefined;
  /** HTTP requests in flight (from load reports). */
  requests: number | undefined;
  /** HTTP requests per second over the last heartbeat interval. */
  requestsPerSecond: number | undefined;
  eventLoopDelayMs: number | undefined;
  rss: number | undefined;
  heapUsed: number | undefined;
  lastHeartbeatAt: number | undefined;
}

export interface SupervisorSnapshot {
  /** Workers wanted. */
  size: number;
  /** False while starting, during shutdown, and when no worker is ready (a readiness probe's answer). */
  ready: boolean;
  reloading: boolean;
  shuttingDown: boolean;
  /** Indices whose respawning stopped after a crash loop. */
  crashLooped: number[];
  workers: SupervisedWorkerSnapshot[];
}

/** What a lifecycle event tells about its worker. */
export interface WorkerInfo {
  index: number;
  worker: Worker;
  pid: number | undefined;
}

export interface ReloadSlotReport {
  index: number;
  outcome: 'replaced' | 'kept' | 'failed';
  reason?: string;
  oldPid?: number;
  newPid?: number;
}

export interface ReloadReport {
  ok: boolean;
  durationMs: number;
  slots: ReloadSlotReport[];
}

export interface ShutdownReport {
  durationMs: number;
  /** Workers that drained and exited on their own, and those the ladder had to signal. */
  graceful: number;
  forced: number;
}

/** A worker found hung: how long it was silent, and its main thread's JavaScript stack when it could be taken. */
export interface HangReport {
  silentMs: number;
  /** Frames innermost first, `name (url:line:column)`; undefined when not taken (`stackError` says why). */
  stack: string[] | undefined;
  stackError?: string;
}

export interface SupervisorEvents {
  'worker-start': [info: WorkerInfo];
  'worker-ready': [info: WorkerInfo];
  'worker-exit': [
    info: WorkerInfo,
    exit: { code: number | null; signal: NodeJS.Signals | null; intended: boolean },
  ];
  'restart-scheduled': [index: number, delayMs: number];
  'crash-loop': [index: number, quickExits: number];
  'start-timeout': [info: WorkerInfo];
  hang: [info: WorkerInfo, report: HangReport];
  'memory-limit': [info: WorkerInfo, metrics: WorkerMetrics];
  'reload-start': [];
  'reload-end': [report: ReloadReport];
  'shutdown-start': [];
  'shutdown-end': [report: ShutdownReport];
}

/** A map of RPC methods: name → (params) => result (one definition, in @shoal/protocol). */
export type { RpcMethods } from '@shoal/protocol';

export interface RpcCallOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
}

export type BroadcastResult<T> =
  | { index: number; workerId: number; ok: true; value: T }
  | { index: number; workerId: number; ok: false; error: Error };
