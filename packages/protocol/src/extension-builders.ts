// Builders for extension messages: plain objects, optional fields left out rather than set to undefined
// (so `json` and `advanced` serialization deliver the same object).
import { SHOAL_CMD, SHOAL_PROTOCOL_VERSION } from './constants.js';
import type {
  HeartbeatMessage,
  HelloMessage,
  LoadMessage,
  LoadReport,
  MetricsMessage,
  ReadyMessage,
  RemoteErrorInfo,
  Role,
  RpcErrorMessage,
  RpcRequestMessage,
  RpcResponseMessage,
  WireValue,
} from './extension.js';

export function helloMessage(role: Role, features: readonly string[] = [], pid?: number): HelloMessage {
  const message: HelloMessage = {
    cmd: SHOAL_CMD,
    v: SHOAL_PROTOCOL_VERSION,
    type: 'hello',
    role,
    version: SHOAL_PROTOCOL_VERSION,
    features: [...features],
  };
  if (pid !== undefined) message.pid = pid;
  return message;
}

/** `load` goes as given (not copied), except that a `servers: undefined` is left out. */
export function loadMessage(load: LoadReport): LoadMessage {
  if (load.servers === undefined && Object.hasOwn(load, 'servers')) {
    const { servers: _absent, ...totals } = load;
    return { cmd: SHOAL_CMD, v: SHOAL_PROTOCOL_VERSION, type: 'load', load: totals as LoadReport };
  }
  return { cmd: SHOAL_CMD, v: SHOAL_PROTOCOL_VERSION, type: 'load', load };
}

export function readyMessage(): ReadyMessage {
  return { cmd: SHOAL_CMD, v: SHOAL_PROTOCOL_VERSION, type: 'ready' };
}

export function heartbeatMessage(timestamp: number = Date.now()): HeartbeatMessage {
  return { cmd: SHOAL_CMD, v: SHOAL_PROTOCOL_VERSION, type: 'heartbeat', timestamp };
}

export function rpcRequestMessage(id: number, method: string, params?: unknown): RpcRequestMessage {
  const message: RpcRequestMessage = {
    cmd: SHOAL_CMD,
    v: SHOAL_PROTOCOL_VERSION,
    type: 'rpc-request',
    id,
    method,
  };
  if (params !== undefined) message.params = params;
  return message;
}

export function rpcResponseMessage(id: number, result?: unknown): RpcResponseMessage {
  const message: RpcResponseMessage = { cmd: SHOAL_CMD, v: SHOAL_PROTOCOL_VERSION, type: 'rpc-response', id };
  if (result !== undefined) message.result = result;
  return message;
}

export function rpcErrorMessage(id: number, error: RemoteErrorInfo): RpcErrorMessage {
  return { cmd: SHOAL_CMD, v: SHOAL_PROTOCOL_VERSION, type: 'rpc-error', id, error };
}

export function metricsMessage(metrics: Record<string, WireValue>, id?: number): MetricsMessage {
  const message: MetricsMessage = { cmd: SHOAL_CMD, v: SHOAL_PROTOCOL_VERSION, type: 'metrics', metrics };
  if (id !== undefined) message.id = id;
  return message;
}

function safeString(value: unknown): string {
  try {
    return String(value);
  } catch {
    return 'a value that cannot be converted to a string was thrown';
  }
}

/**
 * What of a thrown value can cross the wire: its `message`, and `code` / `name` when they are strings.
 * Stacks stay local (they would leak paths and cost bytes on every error).
 */
export function toRemoteErrorInfo(thrown: unknown): RemoteErrorInfo {
  if (typeof thrown !== 'object' || thrown === null) return { message: safeString(thrown) };
  try {
    const { message, code, name } = thrown as { message?: unknown; code?: unknown; name?: unknown };
    const info: RemoteErrorInfo = { message: typeof message === 'string' ? message : safeString(thrown) };
    if (typeof code === 'string') info.code = code;
    if (typeof name === 'string') info.name = name;
    return info;
  } catch {
    // A Proxy or a throwing getter: report that much rather than fail to answer the request.
    return { message: 'the handler threw a value whose properties cannot be read' };
  }
}
