// The one interface every kind of listen handle the primary owns implements (round robin, shared, ...).
import type { Worker } from './worker.js';
import type { WorkerLink } from './worker-link.js';

export interface SockName {
  address: string;
  family: string;
  port: number;
}

/** Answers a worker's `queryServer`: an errno (0/null for success), extra reply fields, and a shared handle. */
export type QueryServerAnswer = (
  errno: number | null,
  reply: { sockname?: SockName } | null,
  handle?: unknown,
) => void;

export interface ServerHandle {
  readonly key: string;
  /** Server data from the first worker that asked (TLS session ticket keys), handed to every later one. */
  data: unknown;
  add(worker: Worker, link: WorkerLink, answer: QueryServerAnswer): void;
  /** Removes the worker; true when that was the last one and the handle closed. */
  remove(worker: Worker): boolean;
  has(worker: Worker): boolean;
  /** A worker's latest load report, for load-aware strategies. */
  reportLoad?(workerId: number, load: { connections: number; requests: number }): void;
}

/** The parts of libuv's TCP/Pipe wrap that the primary uses on raw handles (no net.Socket per connection). */
export interface RawStreamHandle {
  close(callback?: () => void): void;
  getpeername?(out: Record<string, unknown>): number;
  getsockname?(out: Record<string, unknown>): number;
  onconnection: ((status: number, client?: RawStreamHandle) => void) | null;
}
