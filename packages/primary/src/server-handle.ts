// The one interface every kind of listen handle the primary owns implements (round robin, shared, reuseport), and
// the interfaces it needs of a worker: handles take these, not the concrete Worker or WorkerLink.
import type { LoadCounts } from '@shoal/protocol';
import type { ProxyInfo } from '@shoal/scheduler';
import type { HandleCounters, ListenKind } from './inspection.js';

export interface SockName {
  address: string;
  family: string;
  port: number;
}

/** A worker's answer to a `newconn`: `accepted` true when it took the connection. */
export type NewconnReply = (reply: Record<string, unknown>, handle: unknown) => void;

/** What goes with a connection whose head the primary read: the bytes, for the worker to give back to its server. */
export interface ConnectionDelivery {
  /** What the client sent first (the PROXY header stripped). */
  head: Uint8Array;
  /** The PROXY header's client, if the connection started with one. */
  proxy: ProxyInfo | undefined;
  /** The listen port, by which the worker finds its server. */
  localPort: number | undefined;
  /** The key the connection was routed by, and the strategy's sources (the worker checks later requests). */
  routingKey: string | undefined;
  routeBy: readonly string[] | undefined;
}

/** What a listen handle needs of a worker: its id, whether its channel is open, and a way to hand it a client. */
export interface HandleMember {
  readonly id: number;
  isConnected(): boolean;
  /** Sends `newconn` for `key` with the raw client handle; `onReply` runs with the worker's answer. */
  sendNewconn(key: string, client: unknown, onReply: NewconnReply): boolean;
  /**
   * Hands over a connection whose head was read, with those bytes (Shoal's worker runtime re-injects them);
   * `onReply` runs with `accepted` true or false. A worker without the runtime refuses.
   */
  sendConnection?(key: string, client: unknown, delivery: ConnectionDelivery, onReply: NewconnReply): boolean;
  /**
   * Asks the worker (Shoal's worker runtime, when it runs one) to send back a copy of its listen socket on
   * `port`; it arrives through the registry's `socketCopy()`. Without a runtime nothing happens.
   */
  requestSocketCopy?(port: number): void;
}

/**
 * Answers a worker's `queryServer`: an errno (0/null for success), extra reply fields, and a shared handle;
 * `onSent` runs once the reply (and the handle with it) was written to the worker's channel, or failed to be.
 */
export type QueryServerAnswer = (
  errno: number | null,
  reply: { sockname?: SockName } | null,
  handle?: unknown,
  onSent?: (error: Error | null) => void,
) => void;

/** Where a handle listens, as a worker's server reports it (`server.address()`): to match per-server load. */
export type LocalAddress = { address: string; port: number } | { path: string };

export interface ServerHandle {
  readonly key: string;
  readonly kind: ListenKind;
  /** Server data from the first worker that asked (TLS session ticket keys), handed to every later one. */
  data: unknown;
  add(member: HandleMember, answer: QueryServerAnswer): void;
  /** Removes the worker; true when that was the last one and the handle closed. */
  remove(member: HandleMember): boolean;
  has(member: HandleMember): boolean;
  /** Ids of the workers the handle serves now. */
  memberIds(): number[];
  /** Where it listens, once bound (undefined before, or for UDP). */
  localAddress(): LocalAddress | undefined;
  /** A worker's load on this key (its report for this server), for load-aware strategies. */
  reportLoad?(workerId: number, load: LoadCounts): void;
  /** A worker claimed a routing key, for a strategy that keeps keys (see `Strategy.claimed`). */
  claim?(workerId: number, key: string): void;
  /**
   * A worker handed back a connection with the request it carries (a request for a key it does not hold, on a
   * kept-alive connection): route it again by those bytes. False when the handle cannot (the caller closes it).
   */
  reroute?(client: RawStreamHandle, bytes: Uint8Array, proxy: ProxyInfo | undefined): boolean;
  counters(): HandleCounters;
  /** A copy of a worker's listen socket it sent back (reuseport); false when the handle has no use for it. */
  adoptSocketCopy?(member: HandleMember, port: number, socket: RawStreamHandle): boolean;
}

/** The parts of libuv's TCP/Pipe wrap that the primary uses on raw handles (no net.Socket per connection). */
export interface RawStreamHandle {
  close(callback?: () => void): void;
  getpeername?(out: Record<string, unknown>): number;
  getsockname?(out: Record<string, unknown>): number;
  onconnection: ((status: number, client?: RawStreamHandle) => void) | null;
}
