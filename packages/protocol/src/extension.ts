// Types of Shoal's extension channel (`cmd: 'NODE_SHOAL'`): the messages Node's cluster lacks.
// Every message is plain data (objects, arrays, strings, finite numbers, booleans, null) so it survives
// both IPC serializations, `json` and `advanced`, unchanged.
import { SHOAL_CMD } from './constants.js';

export type Role = 'primary' | 'worker';

/** A value that survives `JSON` and structured-clone (`advanced`) serialization unchanged. */
export type WireValue = null | boolean | number | string | WireValue[] | { [key: string]: WireValue };

/** Fields every extension message has: `v` is the sender's protocol version, `type` the kind. */
export interface ExtensionEnvelope {
  cmd: typeof SHOAL_CMD;
  v: number;
  type: string;
  seq?: number;
  [field: string]: unknown;
}

/** Version handshake, sent once by each side when its channel starts. */
export interface HelloMessage extends ExtensionEnvelope {
  type: 'hello';
  role: Role;
  version: number;
  /** Optional capabilities the sender supports (free-form names, e.g. `'metrics'`). */
  features: string[];
  pid?: number;
}

/** Live connections and in-flight HTTP requests: the counts every load figure is made of. */
export interface LoadCounts {
  /** Live connections. */
  connections: number;
  /** HTTP requests in flight. */
  requests: number;
}

/**
 * One server's share of a worker's load. `address`/`port` are what `server.address()` reports in the worker
 * for a TCP server (in round-robin mode, the address the primary answered the worker's listen with); `path`
 * is a pipe server's. A server whose address is unknown has none of the three. Further fields (from a later
 * worker runtime) are plain data, kept as received. A `ServerLoad` is also a totals-only `LoadReport`.
 */
export interface ServerLoad extends LoadCounts {
  address?: string;
  port?: number;
  path?: string;
  [field: string]: unknown;
}

/**
 * A worker's current load: its totals, and, from workers that break them down, one entry per server that has
 * had connections (a server with none yet may be missing; one may show zeros). A report without `servers`
 * gives totals only. Further top-level fields are finite numbers (extra metrics), kept as received.
 */
export interface LoadReport extends LoadCounts {
  servers?: ServerLoad[];
  [metric: string]: unknown;
}

/** worker → primary: the worker's load changed. */
export interface LoadMessage extends ExtensionEnvelope {
  type: 'load';
  load: LoadReport;
}

/** worker → primary: the application declared itself ready to serve. */
export interface ReadyMessage extends ExtensionEnvelope {
  type: 'ready';
}

/** Both ways: a liveness signal; `timestamp` is the sender's `Date.now()`. */
export interface HeartbeatMessage extends ExtensionEnvelope {
  type: 'heartbeat';
  timestamp: number;
}

export interface RpcRequestMessage extends ExtensionEnvelope {
  type: 'rpc-request';
  id: number;
  method: string;
  params?: unknown;
}

export interface RpcResponseMessage extends ExtensionEnvelope {
  type: 'rpc-response';
  id: number;
  result?: unknown;
}

/** What crosses the wire of an error thrown by a remote RPC handler. */
export interface RemoteErrorInfo {
  message: string;
  code?: string;
  name?: string;
  [field: string]: unknown;
}

export interface RpcErrorMessage extends ExtensionEnvelope {
  type: 'rpc-error';
  id: number;
  error: RemoteErrorInfo;
}

/** Metrics snapshot; `id` ties it to the request that asked for it, if any. */
export interface MetricsMessage extends ExtensionEnvelope {
  type: 'metrics';
  id?: number;
  metrics: Record<string, WireValue>;
}

export type ExtensionMessage =
  | HelloMessage
  | LoadMessage
  | ReadyMessage
  | HeartbeatMessage
  | RpcRequestMessage
  | RpcResponseMessage
  | RpcErrorMessage
  | MetricsMessage;

export type ExtensionMessageType = ExtensionMessage['type'];

/** Whether `raw` is an object with `cmd: 'NODE_SHOAL'` (its other fields unchecked). */
export function isShoalMessage(raw: unknown): boolean {
  return typeof raw === 'object' && raw !== null && (raw as { cmd?: unknown }).cmd === SHOAL_CMD;
}
