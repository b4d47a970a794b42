// The shapes of the primary's inspection API: a snapshot of every listen key and every worker, plain data.
import type { LoadReport } from '@shoal/protocol';
import type { WorkerState } from './worker.js';

/** How a key's connections reach workers. */
export type ListenKind = 'round-robin' | 'shared' | 'reuseport';

/** Connection counts of one listen key since it was opened (all zero for kinds where the kernel distributes). */
export interface HandleCounters {
  /** Waiting in the primary for a worker. */
  queued: number;
  /** Handed to a worker, answer not yet received. */
  inFlight: number;
  /** Hand-offs sent (a re-routed connection counts once per hand-off). */
  handedOut: number;
  /** Hand-offs a worker took. */
  accepted: number;
  /** Hand-offs a worker refused (at `maxConnections`, say), each then re-routed or closed. */
  refused: number;
  /** Hand-offs in flight to a worker that left, put back in the queue for another. */
  rerouted: number;
  /** Connections the primary accepted and closed without a worker serving them (every worker refused, or the
   * key closed while they waited). */
  closedUnserved: number;
  /** Listen sockets the primary holds for the key (reuseport: one per worker plus orphans being drained). */
  sockets: number;
  /** Of those, sockets whose worker left and that the primary accepts on itself (reuseport). */
  orphans: number;
}

export interface ListenKeySnapshot extends HandleCounters {
  key: string;
  kind: ListenKind;
  /** The strategy picking workers for connections the primary accepts (undefined for shared keys). */
  strategy: string | undefined;
  /** Where it listens (address and port, or a pipe's path); undefined for UDP or while binding. */
  address: { address: string; port: number } | { path: string } | undefined;
  workers: number[];
}

export interface WorkerSnapshot {
  id: number;
  pid: number | undefined;
  state: WorkerState;
  connected: boolean;
  /** Listen keys the worker serves. */
  keys: string[];
  /** The worker's latest load report (undefined until one arrives: it runs without Shoal's worker runtime). */
  load: LoadReport | undefined;
  /** Hand-offs sent to the worker and not yet answered, over all keys. */
  inFlight: number;
  /** Whether Shoal's worker runtime answered the extension channel's hello. */
  runtime: boolean;
}

export interface ClusterSnapshot {
  strategy: string;
  keys: ListenKeySnapshot[];
  workers: WorkerSnapshot[];
}
