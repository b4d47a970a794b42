// Types of Node's own cluster wire protocol (`cmd: 'NODE_CLUSTER'`), as Node 20, 22, 24 and 26 send it.
// Every message keeps an index signature: Node adds fields over versions and they must pass through.
import { NODE_CLUSTER_CMD } from './constants.js';

/**
 * `addressType` of a listen/bind request: 4 or 6 for TCP with a resolved host (4 also without a host),
 * -1 for a pipe / UNIX socket, `'udp4'`/`'udp6'` for `dgram`.
 */
export type AddressType = 4 | 6 | -1 | 'udp4' | 'udp6';

/** Fields every `NODE_CLUSTER` message has. `seq` is the sender's per-process counter. */
export interface ClusterEnvelope {
  cmd: typeof NODE_CLUSTER_CMD;
  seq?: number;
  [field: string]: unknown;
}

// ---------------------------------------------------------------------------------------------------
// worker → primary

/** The worker's cluster runtime is up. */
export interface OnlineMessage extends ClusterEnvelope {
  act: 'online';
}

/**
 * The fields of a listen/bind request, built by `net` or `dgram` in the worker and completed by
 * `cluster._getServer`. Which of them are set depends on the call:
 *
 * | call                            | address    | port   | addressType | fd        | flags                 |
 * |---------------------------------|------------|--------|-------------|-----------|-----------------------|
 * | `listen(port, host)`            | IP string  | number | 4 / 6       | undefined | number (ipv6Only bit) |
 * | `listen(port)` (no host)        | null       | number | 4           | undefined | Node 20: undefined; Node 22+: number |
 * | `listen({ fd })`                | null       | null   | null        | number    | undefined             |
 * | `listen(path)` (pipe)           | path       | -1     | -1          | undefined | undefined (+ `readableAll`, `writableAll`) |
 * | `dgram` `bind(port, address)`   | IP string  | number | udp4 / udp6 | -1        | number (UV_UDP_* bits)|
 * | `dgram` `bind({ fd })`          | null       | null   | udp4 / udp6 | number    | null                  |
 * | `dgram` `bind(cb)`, `bind({})`  | IP or null | absent | udp4 / udp6 | -1        | number                |
 *
 * With `json` serialization (the default) `undefined` fields are absent on arrival; with `advanced`
 * they are present and `undefined`.
 */
export interface ServerQueryFields extends ClusterEnvelope {
  address: string | null | undefined;
  /**
   * `null` when listening on / binding to an inherited `fd`; absent (undefined) for a `dgram` bind without a
   * port, which asks for any port (Node's primary binds port 0).
   */
  port: number | null | undefined;
  /** `null` for `net` `listen({ fd })`. */
  addressType: AddressType | null;
  fd: number | undefined;
  /** Per-worker index of this listen among those with the same address/port/addressType/fd. */
  index: number;
  /** Server data (TLS ticket keys for `tls.Server`), `null` otherwise. Echoed in the reply. */
  data: unknown;
  flags?: number | null;
  /**
   * `net` only; usually a number, `false` when `listen()`'s positional backlog argument was not a number, but
   * copied from the user's options unvalidated, so any value.
   */
  backlog?: unknown;
  /** Pipes only; the user's option, unvalidated (truthy means set). */
  readableAll?: unknown;
  /** Pipes only; the user's option, unvalidated (truthy means set). */
  writableAll?: unknown;
}

/** A listen/bind in the worker asks the primary for a handle; answered by a {@link QueryServerReply}. */
export interface QueryServerMessage extends ServerQueryFields {
  act: 'queryServer';
  seq: number;
}

/** The same request object re-sent with `act: 'listening'` and the bound port once the server listens. */
export interface ListeningMessage extends ServerQueryFields {
  act: 'listening';
}

/** A server in the worker closed the handle with this key. */
export interface CloseMessage extends ClusterEnvelope {
  act: 'close';
  key: string;
}

/** The worker disconnects (or is destroyed) on its own; the primary answers with an {@link AckMessage}. */
export interface ExitedAfterDisconnectMessage extends ClusterEnvelope {
  act: 'exitedAfterDisconnect';
  seq: number;
}

/** The worker's answer to a {@link NewConnMessage}: `ack` = its `seq`; `accepted: false` sends it back. */
export interface NewConnReply extends ClusterEnvelope {
  act?: undefined;
  ack: number;
  accepted: boolean;
}

export type WorkerMessage =
  | OnlineMessage
  | QueryServerMessage
  | ListeningMessage
  | CloseMessage
  | ExitedAfterDisconnectMessage
  | NewConnReply;

// ---------------------------------------------------------------------------------------------------
// primary → worker

/** What `getsockname` filled in for a round-robin TCP handle. */
export interface SocketName {
  address: string;
  family: string;
  port: number;
  [field: string]: unknown;
}

/**
 * The answer to a {@link QueryServerMessage} (`ack` = its `seq`). In shared mode the listen handle travels
 * with it; in round-robin mode `sockname` is set for TCP (absent/`null` for pipes). `errno` is a negative
 * libuv error number on failure, `0` or `null` on success.
 */
export interface QueryServerReply extends ClusterEnvelope {
  act?: undefined;
  ack: number;
  errno: number | null;
  key: string;
  data: unknown;
  sockname?: SocketName | null;
}

/** A connection for the round-robin server `key`; the raw client handle travels with it. */
export interface NewConnMessage extends ClusterEnvelope {
  act: 'newconn';
  key: string;
  seq: number;
}

/** The primary disconnects the worker (`worker.disconnect()` in the primary). */
export interface DisconnectMessage extends ClusterEnvelope {
  act: 'disconnect';
}

/** A bare acknowledgement; the primary's answer to {@link ExitedAfterDisconnectMessage}. */
export interface AckMessage extends ClusterEnvelope {
  act?: undefined;
  ack: number;
}

export type PrimaryMessage = QueryServerReply | NewConnMessage | DisconnectMessage | AckMessage;

/** Whether `raw` is an object with `cmd: 'NODE_CLUSTER'` (its other fields unchecked). */
export function isClusterMessage(raw: unknown): boolean {
  return typeof raw === 'object' && raw !== null && (raw as { cmd?: unknown }).cmd === NODE_CLUSTER_CMD;
}
